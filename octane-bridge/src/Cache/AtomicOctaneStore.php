<?php

namespace Ephpm\Octane\Cache;

use Illuminate\Support\Carbon;
use Laravel\Octane\Cache\OctaneStore;

/**
 * Octane's cache store with increment() and decrement() done in one step for every worker of the
 * app and, with a cluster, for every node: Octane's own read the value and write it back, so two
 * workers counting at once lose counts. The step is the table's compareAndSet(), tried again
 * while another writer got in between.
 */
class AtomicOctaneStore extends OctaneStore
{
    public function increment($key, $value = 1)
    {
        while (true) {
            $record = $this->table->get($key);

            if ($this->recordIsFalseOrExpired($record)) {
                $next = $value;
                $expiration = Carbon::now()->getTimestamp() + static::ONE_YEAR;
            } else {
                $next = (int) (unserialize($record['value']) + $value);
                $expiration = $record['expiration'];
            }

            $expected = $record === false ? false : ['value' => $record['value'], 'expiration' => $record['expiration']];

            if ($this->table->compareAndSet($key, $expected, ['value' => serialize($next), 'expiration' => $expiration])) {
                return $next;
            }
        }
    }
}
