/* FNV-1a, CRC-32 (bitwise and table-driven) and Adler-32 over a few inputs. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static uint32_t table[256];

static uint32_t crc32_table(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	while (n--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

int main(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		table[i] = c;
	}
	static const char *inputs[] = {
		"", "a", "abc", "123456789", "The quick brown fox jumps over the lazy dog",
	};
	for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		const unsigned char *s = (const unsigned char *)inputs[i];
		size_t n = strlen(inputs[i]);
		printf("%-12.12s fnv1a=%08lx crc=%08lx/%08lx adler=%08lx\n", inputs[i],
		       (unsigned long)fnv1a(s, n), (unsigned long)crc32_bitwise(s, n),
		       (unsigned long)crc32_table(s, n), (unsigned long)adler32(s, n));
	}
	static unsigned char block[4096];
	for (unsigned i = 0; i < sizeof block; i++)
		block[i] = (unsigned char)(i * 7 + (i >> 5));
	printf("block crc=%08lx fnv1a=%08lx\n", (unsigned long)crc32_table(block, sizeof block),
	       (unsigned long)fnv1a(block, sizeof block));
	/* "123456789" is the CRC-32 check input: the result must be cbf43926. */
	return crc32_table((const unsigned char *)"123456789", 9) == 0xcbf43926u ? 0 : 1;
}
