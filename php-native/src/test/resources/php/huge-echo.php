<?php
// one echo of 40 MiB, bigger than any buffer on the way
echo str_repeat('e', 40 * 1024 * 1024), 'end';
