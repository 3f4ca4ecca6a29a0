<?php

namespace Ephpm\Octane;

use Closure;
use Symfony\Component\HttpFoundation\BinaryFileResponse;

/**
 * The byte range of a BinaryFileResponse that BinaryFileResponse::prepare() chose (Range, If-Range,
 * 206, 416). Symfony keeps it in protected properties and only uses it inside sendContent().
 */
final class FileSegment
{
    private function __construct(
        public readonly string $path,
        public readonly int $offset,
        public readonly int $length,
        public readonly bool $deleteAfterSend,
    ) {
    }

    public static function of(BinaryFileResponse $response): self
    {
        $state = Closure::bind(
            fn (): array => [$this->offset, $this->maxlen, $this->deleteFileAfterSend],
            $response,
            BinaryFileResponse::class,
        )();

        return new self($response->getFile()->getPathname(), ...$state);
    }

    public function isEmpty(): bool
    {
        return $this->length === 0;
    }
}
