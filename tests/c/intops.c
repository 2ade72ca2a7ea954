/* Integer edge cases of the M extension and shifts/compares, checked against qemu-riscv32.
 * Each operation runs as one inline-asm instruction so the compiler cannot fold or reorder it
 * (INT_MIN / -1 and division by zero are undefined in C but defined in RISC-V).
 */
#include <stdio.h>
#include <stdint.h>

#define OP(name)                                                                  \
	static uint32_t op_##name(uint32_t a, uint32_t b)                        \
	{                                                                         \
		uint32_t r;                                                       \
		__asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                         \
	}

OP(mul) OP(mulh) OP(mulhsu) OP(mulhu) OP(div) OP(divu) OP(rem) OP(remu)
OP(sll) OP(srl) OP(sra) OP(slt) OP(sltu)

static const uint32_t values[] = {
	0, 1, 2, 3, 7, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe,
	0xfffffff9, 0x12345678, 0xdeadbeef, 31, 32, 33,
};

#define N (sizeof values / sizeof values[0])

int main(void)
{
	static const struct {
		const char *name;
		uint32_t (*fn)(uint32_t, uint32_t);
	} ops[] = {
		{ "mul", op_mul }, { "mulh", op_mulh }, { "mulhsu", op_mulhsu },
		{ "mulhu", op_mulhu }, { "div", op_div }, { "divu", op_divu },
		{ "rem", op_rem }, { "remu", op_remu }, { "sll", op_sll },
		{ "srl", op_srl }, { "sra", op_sra }, { "slt", op_slt }, { "sltu", op_sltu },
	};
	uint32_t total = 0;
	for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		uint32_t h = 2166136261u;
		for (unsigned i = 0; i < N; i++)
			for (unsigned j = 0; j < N; j++) {
				uint32_t r = ops[o].fn(values[i], values[j]);
				h = (h ^ r) * 16777619u;
			}
		printf("%-7s %08lx\n", ops[o].name, (unsigned long)h);
		total += h;
	}
	/* The spec's table of division special cases (Unprivileged ISA, "Division Operations"). */
	printf("div INT_MIN/-1 = %08lx\n", (unsigned long)op_div(0x80000000, 0xffffffff));
	printf("rem INT_MIN/-1 = %08lx\n", (unsigned long)op_rem(0x80000000, 0xffffffff));
	printf("div 7/0 = %08lx divu 7/0 = %08lx\n", (unsigned long)op_div(7, 0),
	       (unsigned long)op_divu(7, 0));
	printf("rem -7/0 = %08lx remu 7/0 = %08lx\n", (unsigned long)op_rem(-7, 0),
	       (unsigned long)op_remu(7, 0));
	printf("mulh INT_MIN*INT_MIN = %08lx\n", (unsigned long)op_mulh(0x80000000, 0x80000000));
	/* Misaligned plain loads and stores: qemu performs them; SnowRV's Linux environment
	 * completes them in its trap handler, as the Linux kernel does. */
	static uint8_t bytes[16] __attribute__((aligned(4))) = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint32_t w, h, hu;
	__asm__ volatile("lw %0, 1(%1)" : "=r"(w) : "r"(bytes) : "memory");
	__asm__ volatile("lh %0, 3(%1)" : "=r"(h) : "r"(bytes) : "memory");
	__asm__ volatile("sw %0, 5(%1)" : : "r"(0x80a0b0c0u), "r"(bytes) : "memory");
	__asm__ volatile("lhu %0, 7(%1)" : "=r"(hu) : "r"(bytes) : "memory");
	printf("misaligned lw %08lx lh %08lx lhu %08lx\n", (unsigned long)w, (unsigned long)h,
	       (unsigned long)hu);
	printf("total %08lx\n", (unsigned long)total);
	return 0;
}
