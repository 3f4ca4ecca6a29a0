<?php
require __DIR__ . '/../cases.php';
bench_hello();
