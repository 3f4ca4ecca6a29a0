<?php

// Swoole\Table where ext-swoole is absent: the runtime's Ephpm\Table under Swoole's name, with
// nothing of its own (PHP 8.2 cannot alias an internal class; a subclass stands for it everywhere).
// Loaded by SwooleTableAlias::install(), never autoloaded.

namespace Swoole;

class Table extends \Ephpm\Table
{
}
