<?php

return ['default' => 'array', 'stores' => ['array' => ['driver' => 'array'], 'octane' => ['driver' => 'octane']]];
