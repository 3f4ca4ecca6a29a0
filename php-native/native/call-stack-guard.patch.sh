#!/usr/bin/env bash
# PHP 8.2 has no C stack limit (8.3's zend.max_allowed_stack_size): recursion that re-enters PHP
# code from C (callbacks of array_map and usort, __get, __toString, destructors, autoloaders)
# overflows the thread's stack, which in a JVM ends every request, not one php-fpm child. Every
# such re-entry goes through zend_call_function; give it a check the SAPI fills in
# (ephpm_call_stack_exhausted), failing the call with an Error as a pending exception would.
# The SAPI also needs the bounds of a Fiber's own C stack (ephpm_fiber_stack_bounds).
set -euo pipefail
api="$1/Zend/zend_execute_API.c"
fibers="$1/Zend/zend_fibers.c"
grep -q 'ephpm_call_stack_exhausted' "$api" && grep -q 'ephpm_fiber_stack_bounds' "$fibers" && exit 0
perl -0pi -e '
  s~(zend_result zend_call_function\(zend_fcall_info \*fci, zend_fcall_info_cache \*fci_cache\) /\* \{\{\{ \*/\n)~/* ePHPm: set by the SAPI; true when the C stack has no room to enter PHP code again */\nZEND_API bool (*ephpm_call_stack_exhausted)(void) = NULL;\n\n$1~;
  s~(\t\treturn SUCCESS; /\* we would result in an instable executor otherwise \*/\n\t\}\n)~$1\n\tif (ephpm_call_stack_exhausted && UNEXPECTED(ephpm_call_stack_exhausted())) {\n\t\tzend_throw_error(NULL, "Maximum call stack size reached. Infinite recursion?");\n\t\tif (fci_cache) {\n\t\t\tzend_release_fcall_info_cache(fci_cache);\n\t\t}\n\t\treturn SUCCESS;\n\t}\n~;
' "$api"
cat >>"$fibers" <<'C'

/* ePHPm: the usable C stack of a fiber context; false for the main context, which has none of its own. */
ZEND_API bool ephpm_fiber_stack_bounds(const zend_fiber_context *context, char **low, char **high)
{
	if (!context || !context->stack) {
		return false;
	}
	*low = (char *) context->stack->pointer;
	*high = *low + context->stack->size;
	return true;
}
C
[ "$(grep -o ephpm_call_stack_exhausted "$api" | wc -l)" = 3 ] \
  || { echo "[libphp] ERROR: could not patch zend_call_function in $api" >&2; exit 1; }
