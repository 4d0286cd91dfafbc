#include "textflag.h"

// func indexStopAVX2(b []byte) int
//
// Returns the index of the first byte of b that is one of
// '\n' '\\' '`' '<' '[' ']' '!' '%' '$' within b's whole 32-byte blocks
// from its start, or the length of those blocks when none holds one (the
// caller scans the rest).
TEXT ·indexStopAVX2(SB), NOSPLIT, $0-32
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	ANDQ $~31, CX
	XORQ AX, AX
	CMPQ CX, $0
	JEQ  done

	MOVQ $0x0a, DX
	MOVQ DX, X0
	VPBROADCASTB X0, Y0
	MOVQ $0x5c, DX
	MOVQ DX, X1
	VPBROADCASTB X1, Y1
	MOVQ $0x60, DX
	MOVQ DX, X2
	VPBROADCASTB X2, Y2
	MOVQ $0x3c, DX
	MOVQ DX, X3
	VPBROADCASTB X3, Y3
	MOVQ $0x5b, DX
	MOVQ DX, X4
	VPBROADCASTB X4, Y4
	MOVQ $0x5d, DX
	MOVQ DX, X5
	VPBROADCASTB X5, Y5
	MOVQ $0x21, DX
	MOVQ DX, X6
	VPBROADCASTB X6, Y6
	MOVQ $0x25, DX
	MOVQ DX, X7
	VPBROADCASTB X7, Y7
	MOVQ $0x24, DX
	MOVQ DX, X8
	VPBROADCASTB X8, Y8

loop:
	VMOVDQU  (SI)(AX*1), Y9
	VPCMPEQB Y9, Y0, Y10
	VPCMPEQB Y9, Y1, Y11
	VPOR     Y11, Y10, Y10
	VPCMPEQB Y9, Y2, Y11
	VPCMPEQB Y9, Y3, Y12
	VPOR     Y12, Y11, Y11
	VPOR     Y11, Y10, Y10
	VPCMPEQB Y9, Y4, Y11
	VPCMPEQB Y9, Y5, Y12
	VPOR     Y12, Y11, Y11
	VPOR     Y11, Y10, Y10
	VPCMPEQB Y9, Y6, Y11
	VPCMPEQB Y9, Y7, Y12
	VPOR     Y12, Y11, Y11
	VPCMPEQB Y9, Y8, Y12
	VPOR     Y12, Y11, Y11
	VPOR     Y11, Y10, Y10
	VPMOVMSKB Y10, DX
	TESTL    DX, DX
	JNZ      found
	ADDQ     $32, AX
	CMPQ     AX, CX
	JB       loop
	VZEROUPPER

done:
	MOVQ AX, ret+24(FP)
	RET

found:
	VZEROUPPER
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, ret+24(FP)
	RET
