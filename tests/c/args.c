/* The Linux initial stack and heap: argc/argv, the auxiliary vector (AT_PAGESZ, AT_RANDOM),
 * brk-backed malloc, stdin, stderr, and a non-zero exit status.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_RANDOM 25

extern char **environ;

int main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	if (argv[argc] != NULL)
		printf("argv not NULL-terminated\n");
	char **e = environ;
	while (*e)
		e++;
	uint32_t *aux = (uint32_t *)(e + 1);
	uint32_t pagesz = 0, random = 0;
	for (; aux[0] != AT_NULL; aux += 2) {
		if (aux[0] == AT_PAGESZ)
			pagesz = aux[1];
		if (aux[0] == AT_RANDOM)
			random = aux[1];
	}
	printf("AT_PAGESZ %lu AT_RANDOM %s\n", (unsigned long)pagesz, random ? "present" : "missing");
	if ((uintptr_t)__builtin_frame_address(0) % 16 != 0)
		printf("stack misaligned\n");
	/* A heap from brk: allocate, fill, check. */
	unsigned total = 0;
	for (int round = 0; round < 4; round++) {
		size_t n = 10000u << round;
		unsigned char *p = malloc(n);
		if (!p) {
			printf("malloc(%u) failed\n", (unsigned)n);
			return 1;
		}
		memset(p, round + 1, n);
		for (size_t i = 0; i < n; i += 97)
			total += p[i];
	}
	printf("heap sum %u\n", total);
	/* Echo stdin with a byte count. */
	char line[64];
	unsigned bytes = 0, lines = 0;
	while (fgets(line, sizeof line, stdin)) {
		bytes += strlen(line);
		if (strchr(line, '\n'))
			lines++;
		fputs(line, stdout);
	}
	printf("stdin %u bytes %u lines\n", bytes, lines);
	fprintf(stderr, "to stderr\n");
	return 3;
}
