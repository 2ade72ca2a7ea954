/* Sorting: picolibc's qsort, an insertion sort and a merge sort over the same pseudo-random data,
 * plus qsort over strings. Exits with 0 when all agree.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N 300

static uint32_t seed = 12345;

static uint32_t next(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static int cmp_int(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void insertion(int32_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		int32_t x = v[i];
		int j = i - 1;
		while (j >= 0 && v[j] > x) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
}

static int32_t tmp[N];

static void merge_sort(int32_t *v, int n)
{
	if (n < 2)
		return;
	int h = n / 2;
	merge_sort(v, h);
	merge_sort(v + h, n - h);
	int i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

int main(void)
{
	static int32_t a[N], b[N], c[N];
	for (int i = 0; i < N; i++)
		a[i] = b[i] = c[i] = (int32_t)(next() - 0x400000);
	qsort(a, N, sizeof a[0], cmp_int);
	insertion(b, N);
	merge_sort(c, N);
	uint32_t h = 0;
	for (int i = 0; i < N; i++)
		h = h * 31 + (uint32_t)a[i];
	int same = memcmp(a, b, sizeof a) == 0 && memcmp(a, c, sizeof a) == 0;
	printf("min %ld max %ld median %ld hash %08lx agree %d\n", (long)a[0], (long)a[N - 1],
	       (long)a[N / 2], (unsigned long)h, same);
	const char *words[] = { "snowman", "avalanche", "risc", "hart", "ecall", "mret",
				"sv32", "tohost", "brk", "qemu", "zicsr", "fence" };
	int nw = sizeof words / sizeof words[0];
	qsort(words, nw, sizeof words[0], cmp_str);
	for (int i = 0; i < nw; i++)
		printf("%s%c", words[i], i + 1 < nw ? ' ' : '\n');
	return same ? 0 : 1;
}
