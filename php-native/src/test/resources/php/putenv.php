<?php
$name = $_GET['name'];
putenv("EPHPM_PUT=$name");
usleep(100000);
echo getenv('EPHPM_PUT'), '|', getenv('PATH') === false ? 'no-path' : 'path-visible';
