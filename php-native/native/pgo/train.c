/*
 * The training run of libphp's profile-guided build (build-libphp.sh): runs PHP scripts through
 * the embed SAPI, one fresh PHP request per script, the way classic mode serves an app. OPcache
 * serves the compiled scripts from shared memory after the first round, so the profile covers
 * request startup and shutdown, OPcache hits, class binding, autoloading and the executor.
 *
 *   pgo-train PHP_INI ROUNDS ENTRY...
 *
 * An ENTRY is SCRIPT, or SCRIPT@URI for a front controller: the request then carries the CGI
 * variables of a GET of URI (the embed SAPI puts the environment into $_SERVER). Output is
 * discarded. A script that fails (uncaught exception, fatal error, exit status, HTTP status 500
 * or more) fails the run, so that a broken training set is seen rather than trained on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sapi/embed/php_embed.h>

static size_t discard_output(const char *str, size_t len) {
	(void) str;
	return len;
}

static void set_cgi_variables(const char *script, const char *uri) {
	char root[4096];
	snprintf(root, sizeof(root), "%s", script);
	char *slash = strrchr(root, '/');
	if (slash) *slash = '\0';
	const char *query = strchr(uri, '?');
	char path[4096];
	snprintf(path, sizeof(path), "%.*s", query ? (int) (query - uri) : (int) strlen(uri), uri);
	setenv("GATEWAY_INTERFACE", "CGI/1.1", 1);
	setenv("SERVER_PROTOCOL", "HTTP/1.1", 1);
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("REQUEST_URI", uri, 1);
	setenv("QUERY_STRING", query ? query + 1 : "", 1);
	setenv("PATH_INFO", path, 1);
	setenv("SCRIPT_FILENAME", script, 1);
	const char *name = strrchr(script, '/');
	setenv("SCRIPT_NAME", name ? name : script, 1);
	setenv("PHP_SELF", name ? name : script, 1);
	setenv("DOCUMENT_ROOT", root, 1);
	setenv("SERVER_NAME", "localhost", 1);
	setenv("SERVER_PORT", "80", 1);
	setenv("REMOTE_ADDR", "127.0.0.1", 1);
	setenv("HTTP_HOST", "localhost", 1);
	setenv("HTTP_ACCEPT", "text/html,application/json", 1);
}

static int run(const char *entry) {
	char script[4096];
	const char *at = strchr(entry, '@');
	snprintf(script, sizeof(script), "%.*s", at ? (int) (at - entry) : (int) strlen(entry), entry);
	if (at) set_cgi_variables(script, at + 1);

	if (php_request_startup() == FAILURE) {
		fprintf(stderr, "[pgo-train] request startup failed\n");
		exit(1);
	}
	/* unlike php_embed_init's first request, headers are not marked sent: the app sets its
	   status and headers as it would under a web server (the embed SAPI drops them) */
	int failed = 0;
	zend_first_try {
		zend_file_handle file;
		zend_stream_init_filename(&file, script);
		file.primary_script = 1;
		if (!php_execute_script(&file)) failed = 1;
		zend_destroy_file_handle(&file);
	} zend_catch {
		failed = 1;
	} zend_end_try();
	if (EG(exit_status) != 0 || SG(sapi_headers).http_response_code >= 500) failed = 1;
	php_request_shutdown(NULL);
	return failed;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s PHP_INI ROUNDS ENTRY...\n", argv[0]);
		return 2;
	}
	int rounds = atoi(argv[2]);
	/* OPcache enables itself only for the SAPIs it knows; the patched build knows ephpm's name */
	php_embed_module.name = "ephpm";
	php_embed_module.php_ini_path_override = argv[1];
	php_embed_module.ub_write = discard_output;
	if (php_embed_init(1, argv) == FAILURE) {
		fprintf(stderr, "[pgo-train] PHP did not start\n");
		return 1;
	}
	/* php_embed_init opened a request; each run opens its own */
	php_request_shutdown(NULL);
	int failures = 0;
	for (int round = 0; round < rounds; round++) {
		for (int i = 3; i < argc; i++) {
			if (run(argv[i])) {
				fprintf(stderr, "[pgo-train] %s failed in round %d\n", argv[i], round + 1);
				failures++;
			}
		}
	}
	/* php_embed_shutdown closes a request */
	php_request_startup();
	php_embed_shutdown();
	return failures ? 1 : 0;
}
