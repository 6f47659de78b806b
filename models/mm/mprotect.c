// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: mprotect's per-PTE commit (the path that most often folds a
 * contpte block). Follows mm/mprotect.c change_pte_range() /
 * change_protection() (linux-mm tree) with nr_ptes = 1. Our own wording.
 *
 * Simplified: one PTE per call, no NUMA-hinting/uffd-wp/soft-dirty branches,
 * no MM_CP_TRY_CHANGE_WRITABLE, no batching of folio runs
 * (modify_prot_start_ptes with nr > 1).
 */

/*
 * mm/mprotect.c: change_pte_range(), body of the loop for one present PTE:
 * ptep_modify_prot_start() (arm64: ptep_get_and_clear(), which unfolds a cont
 * block first), pte_modify(), ptep_modify_prot_commit() (→ set_pte_at() →
 * set_ptes(nr = 1) → contpte_try_fold()), then record the TLB range when
 * pte_needs_flush() (simplified: always).
 */
long change_pte_range(struct mmu_gather *tlb, struct mm_struct *vma, pmd_t *pmd,
		      unsigned long addr, pgprot_t newprot)
{
	spinlock_t *ptl;
	pte_t *pte;
	pte_t oldpte, ptent;
	long pages = 0;

	pte = pte_offset_map_lock(vma, pmd, addr, &ptl);
	if (!pte)
		return -11;				/* -EAGAIN */

	oldpte = ptep_get(pte);
	if (pte_present(oldpte)) {
		oldpte = ptep_modify_prot_start(vma, addr, pte);
		ptent = pte_modify(oldpte, newprot);
		ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);
		tlb_flush_pte_range(tlb, addr, PAGE_SIZE);
		pages++;
	}

	pte_unmap_unlock(pte, ptl);
	return pages;
}

/*
 * mm/mprotect.c: change_protection() → change_pmd_range(), for one page:
 * gather, notify secondary MMUs (MMU_NOTIFY_PROTECTION_VMA), change, notify
 * end, flush via tlb_finish_mmu(). The VMA flag update of mprotect_fixup()
 * is not modelled.
 */
long mprotect_one_page(struct mm_struct *vma, unsigned long addr, pgprot_t newprot)
{
	struct mmu_gather *tlb;
	long pages;

	tlb = tlb_gather_mmu(vma);
	mmu_notifier_invalidate_range_start(vma, addr, addr + PAGE_SIZE);
	pages = change_pte_range(tlb, vma, pmd_off(vma, addr), addr, newprot);
	mmu_notifier_invalidate_range_end(vma, addr, addr + PAGE_SIZE);
	tlb_finish_mmu(tlb);
	return pages;
}
