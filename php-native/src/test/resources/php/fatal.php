<?php
echo "before ";
// Redeclaring a function is a compile-time fatal error (E_COMPILE_ERROR), not an exception.
eval('function ephpm_declared_twice() {}');
eval('function ephpm_declared_twice() {}');
echo "after";
