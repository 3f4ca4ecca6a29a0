<?php
throw new RuntimeException('cannot boot: missing configuration');
