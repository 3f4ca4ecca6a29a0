package io.ephpm.php;

/** One request for PHP and the response it answers into. */
public record PhpExchange(PhpRequest request, PhpResponse response) {
}
