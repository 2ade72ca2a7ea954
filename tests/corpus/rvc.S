# Every RV32C instruction (Unprivileged ISA 20191213, chapter 16) written with its c. mnemonic,
# the HINT encodings of section 16.7, and instructions GNU as compresses on its own.
	.text
	.option rvc
top:
	c.addi4spn	s0, sp, 4
	c.addi4spn	a5, sp, 1020
	c.lw	a0, 0(a1)
	c.lw	s1, 124(a5)
	c.sw	a2, 64(s0)
	c.sw	a5, 4(a4)
	c.nop
	c.addi	a0, 1
	c.addi	sp, -32
	c.addi	t6, 31
	c.jal	top
	c.li	a0, -32
	c.li	ra, 31
	c.addi16sp	sp, 496
	c.addi16sp	sp, -512
	c.lui	a0, 1
	c.lui	t0, 0x1f
	c.lui	s0, 0xfffe0
	c.lui	s1, 0xfffff
	c.srli	a0, 1
	c.srli	s1, 31
	c.srai	a5, 16
	c.andi	a0, -1
	c.andi	s0, 31
	c.sub	a0, a1
	c.xor	a2, a3
	c.or	a4, a5
	c.and	s0, s1
	c.j	top
	c.beqz	a0, top
	c.bnez	s1, fwd
	c.slli	a0, 1
	c.slli	t6, 31
	c.lwsp	a0, 0(sp)
	c.lwsp	ra, 252(sp)
	c.jr	a0
	c.jr	ra
	c.mv	a0, a1
	c.mv	t6, sp
	c.ebreak
	c.jalr	t0
	c.add	a0, a1
	c.add	sp, t6
	c.swsp	a0, 0(sp)
	c.swsp	ra, 252(sp)
fwd:
	# HINTs (section 16.7): they execute as no-ops; objdump prints some as c.<name>.
	c.nop	5
	c.addi	a0, 0
	c.li	zero, 7
	c.lui	zero, 3
	c.mv	zero, a0
	c.add	zero, a1
	c.slli	zero, 3
	c.slli64	a0
	c.srli64	s0
	c.srai64	a5
	# Plain spellings that GNU as compresses.
	addi	sp, sp, -16
	lw	ra, 12(sp)
	sw	s0, 8(sp)
	mv	s0, sp
	add	a0, a0, a1
	li	a0, 3
	lui	a1, 2
	ret
	beqz	a0, top
	bnez	a5, fwd
	j	top
	jal	top
	ebreak
