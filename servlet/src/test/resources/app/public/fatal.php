<?php
eval('function declared_twice() {}');
eval('function declared_twice() {}');
