# Every CSR that objdump (binutils 2.40) knows by name, read and written by name, so the
# disassembler must name each one the same way (csr_addr::name).
	.text
	.option norvc
	csrr	a0, fflags
	csrr	a0, frm
	csrr	a0, fcsr
	csrr	a0, vstart
	csrr	a0, vxsat
	csrr	a0, vxrm
	csrr	a0, vcsr
	csrr	a0, seed
	csrr	a0, sstatus
	csrr	a0, sie
	csrr	a0, stvec
	csrr	a0, scounteren
	csrr	a0, senvcfg
	csrr	a0, sstateen0
	csrr	a0, sstateen1
	csrr	a0, sstateen2
	csrr	a0, sstateen3
	csrr	a0, sieh
	csrr	a0, sscratch
	csrr	a0, sepc
	csrr	a0, scause
	csrr	a0, stval
	csrr	a0, sip
	csrr	a0, stimecmp
	csrr	a0, siselect
	csrr	a0, sireg
	csrr	a0, siph
	csrr	a0, stopei
	csrr	a0, stimecmph
	csrr	a0, satp
	csrr	a0, vsstatus
	csrr	a0, vsie
	csrr	a0, vstvec
	csrr	a0, vsieh
	csrr	a0, vsscratch
	csrr	a0, vsepc
	csrr	a0, vscause
	csrr	a0, vstval
	csrr	a0, vsip
	csrr	a0, vstimecmp
	csrr	a0, vsiselect
	csrr	a0, vsireg
	csrr	a0, vsiph
	csrr	a0, vstopei
	csrr	a0, vstimecmph
	csrr	a0, vsatp
	csrr	a0, mstatus
	csrr	a0, misa
	csrr	a0, medeleg
	csrr	a0, mideleg
	csrr	a0, mie
	csrr	a0, mtvec
	csrr	a0, mcounteren
	csrr	a0, mvien
	csrr	a0, mvip
	csrr	a0, menvcfg
	csrr	a0, mstateen0
	csrr	a0, mstateen1
	csrr	a0, mstateen2
	csrr	a0, mstateen3
	csrr	a0, mstatush
	csrr	a0, midelegh
	csrr	a0, mieh
	csrr	a0, mvienh
	csrr	a0, mviph
	csrr	a0, menvcfgh
	csrr	a0, mstateen0h
	csrr	a0, mstateen1h
	csrr	a0, mstateen2h
	csrr	a0, mstateen3h
	csrr	a0, mcountinhibit
	csrr	a0, mscratch
	csrr	a0, mepc
	csrr	a0, mcause
	csrr	a0, mtval
	csrr	a0, mip
	csrr	a0, mtinst
	csrr	a0, mtval2
	csrr	a0, miselect
	csrr	a0, mireg
	csrr	a0, miph
	csrr	a0, mtopei
	csrr	a0, scontext
	csrr	a0, hstatus
	csrr	a0, hedeleg
	csrr	a0, hideleg
	csrr	a0, hie
	csrr	a0, htimedelta
	csrr	a0, hcounteren
	csrr	a0, hgeie
	csrr	a0, hvien
	csrr	a0, hvictl
	csrr	a0, henvcfg
	csrr	a0, hstateen0
	csrr	a0, hstateen1
	csrr	a0, hstateen2
	csrr	a0, hstateen3
	csrr	a0, hidelegh
	csrr	a0, htimedeltah
	csrr	a0, hvienh
	csrr	a0, henvcfgh
	csrr	a0, hstateen0h
	csrr	a0, hstateen1h
	csrr	a0, hstateen2h
	csrr	a0, hstateen3h
	csrr	a0, htval
	csrr	a0, hip
	csrr	a0, hvip
	csrr	a0, hviprio1
	csrr	a0, hviprio2
	csrr	a0, htinst
	csrr	a0, hviph
	csrr	a0, hviprio1h
	csrr	a0, hviprio2h
	csrr	a0, hgatp
	csrr	a0, hcontext
	csrr	a0, mseccfg
	csrr	a0, mseccfgh
	csrr	a0, tselect
	csrr	a0, tdata1
	csrr	a0, tdata2
	csrr	a0, tdata3
	csrr	a0, tinfo
	csrr	a0, tcontrol
	csrr	a0, mcontext
	csrr	a0, mscontext
	csrr	a0, dcsr
	csrr	a0, dpc
	csrr	a0, dscratch0
	csrr	a0, dscratch1
	csrr	a0, mcycle
	csrr	a0, minstret
	csrr	a0, mcycleh
	csrr	a0, minstreth
	csrr	a0, cycle
	csrr	a0, time
	csrr	a0, instret
	csrr	a0, vl
	csrr	a0, vtype
	csrr	a0, vlenb
	csrr	a0, cycleh
	csrr	a0, timeh
	csrr	a0, instreth
	csrr	a0, scountovf
	csrr	a0, stopi
	csrr	a0, hgeip
	csrr	a0, vstopi
	csrr	a0, mvendorid
	csrr	a0, marchid
	csrr	a0, mimpid
	csrr	a0, mhartid
	csrr	a0, mconfigptr
	csrr	a0, mtopi
	csrrw	a1, mhpmevent3, a2
	csrrw	a1, mhpmevent4, a2
	csrrw	a1, mhpmevent5, a2
	csrrw	a1, mhpmevent6, a2
	csrrw	a1, mhpmevent7, a2
	csrrw	a1, mhpmevent8, a2
	csrrw	a1, mhpmevent9, a2
	csrrw	a1, mhpmevent10, a2
	csrrw	a1, mhpmevent11, a2
	csrrw	a1, mhpmevent12, a2
	csrrw	a1, mhpmevent13, a2
	csrrw	a1, mhpmevent14, a2
	csrrw	a1, mhpmevent15, a2
	csrrw	a1, mhpmevent16, a2
	csrrw	a1, mhpmevent17, a2
	csrrw	a1, mhpmevent18, a2
	csrrw	a1, mhpmevent19, a2
	csrrw	a1, mhpmevent20, a2
	csrrw	a1, mhpmevent21, a2
	csrrw	a1, mhpmevent22, a2
	csrrw	a1, mhpmevent23, a2
	csrrw	a1, mhpmevent24, a2
	csrrw	a1, mhpmevent25, a2
	csrrw	a1, mhpmevent26, a2
	csrrw	a1, mhpmevent27, a2
	csrrw	a1, mhpmevent28, a2
	csrrw	a1, mhpmevent29, a2
	csrrw	a1, mhpmevent30, a2
	csrrw	a1, mhpmevent31, a2
	csrrw	a1, pmpcfg0, a2
	csrrw	a1, pmpcfg1, a2
	csrrw	a1, pmpcfg2, a2
	csrrw	a1, pmpcfg3, a2
	csrrw	a1, pmpcfg4, a2
	csrrw	a1, pmpcfg5, a2
	csrrw	a1, pmpcfg6, a2
	csrrw	a1, pmpcfg7, a2
	csrrw	a1, pmpcfg8, a2
	csrrw	a1, pmpcfg9, a2
	csrrw	a1, pmpcfg10, a2
	csrrw	a1, pmpcfg11, a2
	csrrw	a1, pmpcfg12, a2
	csrrw	a1, pmpcfg13, a2
	csrrw	a1, pmpcfg14, a2
	csrrw	a1, pmpcfg15, a2
	csrrw	a1, pmpaddr0, a2
	csrrw	a1, pmpaddr1, a2
	csrrw	a1, pmpaddr2, a2
	csrrw	a1, pmpaddr3, a2
	csrrw	a1, pmpaddr4, a2
	csrrw	a1, pmpaddr5, a2
	csrrw	a1, pmpaddr6, a2
	csrrw	a1, pmpaddr7, a2
	csrrw	a1, pmpaddr8, a2
	csrrw	a1, pmpaddr9, a2
	csrrw	a1, pmpaddr10, a2
	csrrw	a1, pmpaddr11, a2
	csrrw	a1, pmpaddr12, a2
	csrrw	a1, pmpaddr13, a2
	csrrw	a1, pmpaddr14, a2
	csrrw	a1, pmpaddr15, a2
	csrrw	a1, pmpaddr16, a2
	csrrw	a1, pmpaddr17, a2
	csrrw	a1, pmpaddr18, a2
	csrrw	a1, pmpaddr19, a2
	csrrw	a1, pmpaddr20, a2
	csrrw	a1, pmpaddr21, a2
	csrrw	a1, pmpaddr22, a2
	csrrw	a1, pmpaddr23, a2
	csrrw	a1, pmpaddr24, a2
	csrrw	a1, pmpaddr25, a2
	csrrw	a1, pmpaddr26, a2
	csrrw	a1, pmpaddr27, a2
	csrrw	a1, pmpaddr28, a2
	csrrw	a1, pmpaddr29, a2
	csrrw	a1, pmpaddr30, a2
	csrrw	a1, pmpaddr31, a2
	csrrw	a1, pmpaddr32, a2
	csrrw	a1, pmpaddr33, a2
	csrrw	a1, pmpaddr34, a2
	csrrw	a1, pmpaddr35, a2
	csrrw	a1, pmpaddr36, a2
	csrrw	a1, pmpaddr37, a2
	csrrw	a1, pmpaddr38, a2
	csrrw	a1, pmpaddr39, a2
	csrrw	a1, pmpaddr40, a2
	csrrw	a1, pmpaddr41, a2
	csrrw	a1, pmpaddr42, a2
	csrrw	a1, pmpaddr43, a2
	csrrw	a1, pmpaddr44, a2
	csrrw	a1, pmpaddr45, a2
	csrrw	a1, pmpaddr46, a2
	csrrw	a1, pmpaddr47, a2
	csrrw	a1, pmpaddr48, a2
	csrrw	a1, pmpaddr49, a2
	csrrw	a1, pmpaddr50, a2
	csrrw	a1, pmpaddr51, a2
	csrrw	a1, pmpaddr52, a2
	csrrw	a1, pmpaddr53, a2
	csrrw	a1, pmpaddr54, a2
	csrrw	a1, pmpaddr55, a2
	csrrw	a1, pmpaddr56, a2
	csrrw	a1, pmpaddr57, a2
	csrrw	a1, pmpaddr58, a2
	csrrw	a1, pmpaddr59, a2
	csrrw	a1, pmpaddr60, a2
	csrrw	a1, pmpaddr61, a2
	csrrw	a1, pmpaddr62, a2
	csrrw	a1, pmpaddr63, a2
	csrrw	a1, mhpmevent3h, a2
	csrrw	a1, mhpmevent4h, a2
	csrrw	a1, mhpmevent5h, a2
	csrrw	a1, mhpmevent6h, a2
	csrrw	a1, mhpmevent7h, a2
	csrrw	a1, mhpmevent8h, a2
	csrrw	a1, mhpmevent9h, a2
	csrrw	a1, mhpmevent10h, a2
	csrrw	a1, mhpmevent11h, a2
	csrrw	a1, mhpmevent12h, a2
	csrrw	a1, mhpmevent13h, a2
	csrrw	a1, mhpmevent14h, a2
	csrrw	a1, mhpmevent15h, a2
	csrrw	a1, mhpmevent16h, a2
	csrrw	a1, mhpmevent17h, a2
	csrrw	a1, mhpmevent18h, a2
	csrrw	a1, mhpmevent19h, a2
	csrrw	a1, mhpmevent20h, a2
	csrrw	a1, mhpmevent21h, a2
	csrrw	a1, mhpmevent22h, a2
	csrrw	a1, mhpmevent23h, a2
	csrrw	a1, mhpmevent24h, a2
	csrrw	a1, mhpmevent25h, a2
	csrrw	a1, mhpmevent26h, a2
	csrrw	a1, mhpmevent27h, a2
	csrrw	a1, mhpmevent28h, a2
	csrrw	a1, mhpmevent29h, a2
	csrrw	a1, mhpmevent30h, a2
	csrrw	a1, mhpmevent31h, a2
	csrrw	a1, mhpmcounter3, a2
	csrrw	a1, mhpmcounter4, a2
	csrrw	a1, mhpmcounter5, a2
	csrrw	a1, mhpmcounter6, a2
	csrrw	a1, mhpmcounter7, a2
	csrrw	a1, mhpmcounter8, a2
	csrrw	a1, mhpmcounter9, a2
	csrrw	a1, mhpmcounter10, a2
	csrrw	a1, mhpmcounter11, a2
	csrrw	a1, mhpmcounter12, a2
	csrrw	a1, mhpmcounter13, a2
	csrrw	a1, mhpmcounter14, a2
	csrrw	a1, mhpmcounter15, a2
	csrrw	a1, mhpmcounter16, a2
	csrrw	a1, mhpmcounter17, a2
	csrrw	a1, mhpmcounter18, a2
	csrrw	a1, mhpmcounter19, a2
	csrrw	a1, mhpmcounter20, a2
	csrrw	a1, mhpmcounter21, a2
	csrrw	a1, mhpmcounter22, a2
	csrrw	a1, mhpmcounter23, a2
	csrrw	a1, mhpmcounter24, a2
	csrrw	a1, mhpmcounter25, a2
	csrrw	a1, mhpmcounter26, a2
	csrrw	a1, mhpmcounter27, a2
	csrrw	a1, mhpmcounter28, a2
	csrrw	a1, mhpmcounter29, a2
	csrrw	a1, mhpmcounter30, a2
	csrrw	a1, mhpmcounter31, a2
	csrrw	a1, mhpmcounter3h, a2
	csrrw	a1, mhpmcounter4h, a2
	csrrw	a1, mhpmcounter5h, a2
	csrrw	a1, mhpmcounter6h, a2
	csrrw	a1, mhpmcounter7h, a2
	csrrw	a1, mhpmcounter8h, a2
	csrrw	a1, mhpmcounter9h, a2
	csrrw	a1, mhpmcounter10h, a2
	csrrw	a1, mhpmcounter11h, a2
	csrrw	a1, mhpmcounter12h, a2
	csrrw	a1, mhpmcounter13h, a2
	csrrw	a1, mhpmcounter14h, a2
	csrrw	a1, mhpmcounter15h, a2
	csrrw	a1, mhpmcounter16h, a2
	csrrw	a1, mhpmcounter17h, a2
	csrrw	a1, mhpmcounter18h, a2
	csrrw	a1, mhpmcounter19h, a2
	csrrw	a1, mhpmcounter20h, a2
	csrrw	a1, mhpmcounter21h, a2
	csrrw	a1, mhpmcounter22h, a2
	csrrw	a1, mhpmcounter23h, a2
	csrrw	a1, mhpmcounter24h, a2
	csrrw	a1, mhpmcounter25h, a2
	csrrw	a1, mhpmcounter26h, a2
	csrrw	a1, mhpmcounter27h, a2
	csrrw	a1, mhpmcounter28h, a2
	csrrw	a1, mhpmcounter29h, a2
	csrrw	a1, mhpmcounter30h, a2
	csrrw	a1, mhpmcounter31h, a2
	csrrw	a1, hpmcounter3, a2
	csrrw	a1, hpmcounter4, a2
	csrrw	a1, hpmcounter5, a2
	csrrw	a1, hpmcounter6, a2
	csrrw	a1, hpmcounter7, a2
	csrrw	a1, hpmcounter8, a2
	csrrw	a1, hpmcounter9, a2
	csrrw	a1, hpmcounter10, a2
	csrrw	a1, hpmcounter11, a2
	csrrw	a1, hpmcounter12, a2
	csrrw	a1, hpmcounter13, a2
	csrrw	a1, hpmcounter14, a2
	csrrw	a1, hpmcounter15, a2
	csrrw	a1, hpmcounter16, a2
	csrrw	a1, hpmcounter17, a2
	csrrw	a1, hpmcounter18, a2
	csrrw	a1, hpmcounter19, a2
	csrrw	a1, hpmcounter20, a2
	csrrw	a1, hpmcounter21, a2
	csrrw	a1, hpmcounter22, a2
	csrrw	a1, hpmcounter23, a2
	csrrw	a1, hpmcounter24, a2
	csrrw	a1, hpmcounter25, a2
	csrrw	a1, hpmcounter26, a2
	csrrw	a1, hpmcounter27, a2
	csrrw	a1, hpmcounter28, a2
	csrrw	a1, hpmcounter29, a2
	csrrw	a1, hpmcounter30, a2
	csrrw	a1, hpmcounter31, a2
	csrrw	a1, hpmcounter3h, a2
	csrrw	a1, hpmcounter4h, a2
	csrrw	a1, hpmcounter5h, a2
	csrrw	a1, hpmcounter6h, a2
	csrrw	a1, hpmcounter7h, a2
	csrrw	a1, hpmcounter8h, a2
	csrrw	a1, hpmcounter9h, a2
	csrrw	a1, hpmcounter10h, a2
	csrrw	a1, hpmcounter11h, a2
	csrrw	a1, hpmcounter12h, a2
	csrrw	a1, hpmcounter13h, a2
	csrrw	a1, hpmcounter14h, a2
	csrrw	a1, hpmcounter15h, a2
	csrrw	a1, hpmcounter16h, a2
	csrrw	a1, hpmcounter17h, a2
	csrrw	a1, hpmcounter18h, a2
	csrrw	a1, hpmcounter19h, a2
	csrrw	a1, hpmcounter20h, a2
	csrrw	a1, hpmcounter21h, a2
	csrrw	a1, hpmcounter22h, a2
	csrrw	a1, hpmcounter23h, a2
	csrrw	a1, hpmcounter24h, a2
	csrrw	a1, hpmcounter25h, a2
	csrrw	a1, hpmcounter26h, a2
	csrrw	a1, hpmcounter27h, a2
	csrrw	a1, hpmcounter28h, a2
	csrrw	a1, hpmcounter29h, a2
	csrrw	a1, hpmcounter30h, a2
	csrrw	a1, hpmcounter31h, a2
