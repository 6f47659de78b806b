// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: arch/arm64/mm/fault.c
 */

/*
 * arch/arm64/mm/fault.c: __ptep_set_access_flags() (linux-mm tree).
 * Only ever makes the entry more permissive: a cmpxchg_relaxed loop that ORs
 * in AF/DIRTY/WRITE and moves RDONLY to the lower (more permissive) of the two
 * values (the XOR trick: a & b == ~(~a | ~b)). It never clears A/D, so a
 * racing hardware or software dirty is never lost (arm64 is immune to R9b).
 * The local TLB flush when `dirty` is the newest form (older kernels:
 * flush_tlb_page, broadcast).
 */
int __ptep_set_access_flags(struct mm_struct *vma, unsigned long address,
			    pte_t *ptep, pte_t entry, int dirty)
{
	unsigned long old_pteval, pteval;
	pte_t pte = __ptep_get(ptep);

	if (pte_same(pte, entry))
		return 0;

	/* only preserve the access flags and write permission */
	entry &= PTE_RDONLY | PTE_AF | PTE_WRITE | PTE_DIRTY;

	entry ^= PTE_RDONLY;
	pteval = pte;
	do {
		old_pteval = pteval;
		pteval ^= PTE_RDONLY;
		pteval |= entry;
		pteval ^= PTE_RDONLY;
		pteval = cmpxchg_relaxed(ptep, old_pteval, pteval);
	} while (pteval != old_pteval);

	/* Invalidate the local stale read-only entry. */
	if (dirty)
		local_flush_tlb_page(vma, address);
	return 1;
}
