<?php
require __DIR__ . '/../fibers.php';
fiber_case($_GET['case'] ?? '');
