<?php
echo "before ";
undefined_function_for_ephpm_test();
echo "after";
