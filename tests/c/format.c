/* String formatting with picolibc's printf/snprintf: integer widths and flags, 64-bit values
 * (libgcc's soft division), strings, characters and a little floating point (soft-float).
 */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

int main(void)
{
	char buf[128];
	printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -42, INT_MIN, UINT_MAX, 0xbeefu, 0xbeefu, 8u);
	printf("[%8d] [%-8d] [%08d] [%+d] [% d] [%#x] [%#o]\n", 123, 123, -123, 5, 5, 255u, 8u);
	printf("[%lld] [%llu] [%llx] [%lld]\n", (long long)LLONG_MIN, (unsigned long long)ULLONG_MAX,
	       0x123456789abcdefull, -1234567890123ll);
	printf("[%hhd] [%hd] [%zu] [%c%c] [%.3s] [%10.2s] [%%]\n", (signed char)200, (short)70000,
	       sizeof(long long), 'o', 'k', "abcdef", "xyz");
	int n = snprintf(buf, sizeof buf, "%s-%05d-%x", "snprintf", 77, 0xc0ffee);
	printf("%s (%d)\n", buf, n);
	n = snprintf(buf, 8, "%s", "truncated output");
	printf("%s (%d, %u)\n", buf, n, (unsigned)strlen(buf));
	printf("[%f] [%.3f] [%e] [%g] [%g]\n", 3.14159, -2.5, 12345.678, 0.0001, 1e20);
	printf("[%.10f] [%8.2f]\n", 1.0 / 3.0, 2.0 / 3.0);
	return 0;
}
