// SPDX-License-Identifier: GPL-2.0
/*
 * ptelab model C: x86-32 PAE split PTEs (CONFIG_GUP_GET_PXX_LOW_HIGH).
 *
 * A pte_t is still one 8-aligned 64-bit cell, but these functions access it as
 * two u32 halves: low word at (u32 *)ptep, high word at (u32 *)ptep + 1
 * (little endian). The present bit and the low pfn bits live in the low word.
 * Follows include/linux/pgtable.h (GUP_GET_PXX_LOW_HIGH ptep_get_lockless) and
 * arch/x86/include/asm/pgtable-3level.h (torvalds, 01ade20d…). Our own wording.
 */

/*
 * include/linux/pgtable.h: ptep_get_lockless() for GUP_GET_PXX_LOW_HIGH
 * ("x86-pae"): low, rmb, high, rmb, retry while low changed. Sane only under
 * (3b): a present→present change needs an IPI flush the IRQs-off reader blocks.
 */
pte_t ptep_get_lockless__x86_pae(pte_t *ptep)
{
	u32 *lowp = (u32 *)ptep;
	u32 *highp = lowp + 1;
	u64 lo, hi;

	do {
		lo = READ_ONCE(*lowp);
		smp_rmb();
		hi = READ_ONCE(*highp);
		smp_rmb();
	} while (lo != READ_ONCE(*lowp));

	return (hi << 32) | lo;
}

/*
 * ptep_get() on PAE: READ_ONCE(*ptep) of a 64-bit pte_t compiles to two
 * 32-bit loads with no retry — a possibly torn read (Ryan's 11 Apr "Aside";
 * the ≤2025 GUP-fast recheck used this). Load order low-then-high is our
 * choice (compiler-dependent).
 */
pte_t ptep_get__pae(pte_t *ptep)
{
	u32 *lowp = (u32 *)ptep;
	u64 lo, hi;

	lo = READ_ONCE(*lowp);
	hi = READ_ONCE(*(lowp + 1));
	return (hi << 32) | lo;
}

/*
 * arch/x86/include/asm/pgtable-3level.h: native_set_pte(): not-present →
 * present protocol: high first, smp_wmb(), then low (which holds the present bit).
 */
void set_pte__pae(pte_t *ptep, pte_t pte)
{
	u32 *lowp = (u32 *)ptep;

	WRITE_ONCE(*(lowp + 1), (u32)(pte >> 32));
	smp_wmb();
	WRITE_ONCE(*lowp, (u32)pte);
}

/*
 * arch/x86/include/asm/pgtable-3level.h: native_pte_clear(): present →
 * not-present: low = 0 first, smp_wmb(), then high = 0.
 */
void pte_clear__pae(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	u32 *lowp = (u32 *)ptep;

	WRITE_ONCE(*lowp, 0);
	smp_wmb();
	WRITE_ONCE(*(lowp + 1), 0);
}

/*
 * arch/x86/include/asm/pgtable-3level.h: native_ptep_get_and_clear() (SMP,
 * older kernels, "halves"): xchg the low word to 0 (a full barrier), then
 * read and clear the high word.
 */
pte_t ptep_get_and_clear__pae_halves(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	u32 *lowp = (u32 *)ptep;
	u64 lo, hi;

	lo = xchg(lowp, 0);
	hi = READ_ONCE(*(lowp + 1));
	WRITE_ONCE(*(lowp + 1), 0);
	return (hi << 32) | lo;
}

/*
 * Newer x86 PAE: native_ptep_get_and_clear() = pxx_xchg64() (a cmpxchg8b loop,
 * i.e. one 64-bit atomic exchange with 0). From memory of 2022 x86 PAE
 * cleanups; unconfirmed against the tree (docs/models.md open questions).
 */
pte_t ptep_get_and_clear__pae_xchg64(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	return xchg(ptep, 0);
}
