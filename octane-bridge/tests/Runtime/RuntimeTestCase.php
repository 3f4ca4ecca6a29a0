<?php

namespace Ephpm\Octane\Tests\Runtime;

use Ephpm\Octane\Tables\SwooleTableAlias;
use PHPUnit\Framework\TestCase;

/**
 * A test that needs the ePHPm runtime (Ephpm\Table): RuntimePhpUnitTest runs these inside one of
 * its PHP threads; under the PHP CLI they are skipped.
 */
abstract class RuntimeTestCase extends TestCase
{
    protected function setUp(): void
    {
        if (! SwooleTableAlias::install()) {
            $this->markTestSkipped('needs the ePHPm runtime: `mvn -pl octane-bridge -am verify` runs it in RuntimePhpUnitTest');
        }
    }
}
