<?php

return ['greeting' => 'hello'];
