<?php
if (isset($_GET['basedir'])) {
    ini_set('open_basedir', $_GET['basedir']);
}
if (!\Ephpm\Worker\send_file($_GET['file'])) {
    echo 'refused: ', error_get_last()['message'] ?? '';
}
