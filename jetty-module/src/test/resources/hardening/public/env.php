<?php
// getenv()/putenv() as PHP 8.2 handles them: the C library reads names and settings up to the first NUL.
$r = [];
putenv('EPHPM_N=first');
$r['unset_by_nul_name'] = [putenv("EPHPM_N\0=second"), getenv('EPHPM_N'), getenv("EPHPM_N\0")];
$r['value_cut_at_nul'] = [putenv("EPHPM_V=ok\0tail"), getenv('EPHPM_V')];
$r['name_cut_at_nul'] = [getenv("EPHPM_V\0junk"), getenv("GREETING\0x")];
$r['empty_name_after_nul'] = putenv("\0x");
foreach (['', '=x'] as $i => $bad) {
    try {
        putenv($bad);
        $r["error$i"] = 'none';
    } catch (ValueError $e) {
        $r["error$i"] = $e->getMessage();
    }
}
echo json_encode($r);
