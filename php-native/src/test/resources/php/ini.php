<?php
echo ini_get('memory_limit'), '|', ini_get('max_execution_time'), '|', ini_get('display_errors'), '|',
    getenv('APP_NAME'), '|', getenv('EPHPM_TEST_ENV');
ini_set('memory_limit', '77M');
