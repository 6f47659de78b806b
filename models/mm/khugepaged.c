// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: the page-table part of THP collapse (R8).
 * Follows mm/khugepaged.c collapse_huge_page() (linux-mm tree): PMD lock,
 * pmdp_collapse_flush(), tlb_remove_table_sync_one(), isolate the old pages
 * (refcount check), copy, free the old pages and the PTE table. Our wording.
 *
 * Simplified:
 *  - mmap_lock/anon_vma locks, allocation and charging of the huge folio,
 *    the copy itself, and installation of the new huge PMD are not modelled
 *    (the PMD stays none afterwards);
 *  - __collapse_huge_page_isolate() is reduced to its refcount test on each
 *    present PTE's folio: any extra reference (e.g. one GUP-fast took) fails
 *    the collapse, which then restores the PMD (the kernel's failure path);
 *  - the old PTE table is freed as file collapse does (pte_free_defer(), RCU)
 *    or immediately with `table_free = immediate`, instead of being deposited
 *    as anon collapse does (R8 is about the walker still holding it).
 */

#define SCAN_SUCCEED     1
#define SCAN_PAGE_COUNT  2

/*
 * mm/khugepaged.c: __collapse_huge_page_isolate(), refcount part only: each
 * mapped folio must hold exactly the references its mappings explain
 * (folio_expected_ref_count()); otherwise someone (GUP) holds an extra one.
 */
static int __collapse_huge_page_isolate(struct mm_struct *vma, unsigned long address,
					pte_t *pte, int nr)
{
	int i;
	pte_t pteval;
	struct folio *folio;

	for (i = 0; i < nr; i++, pte++, address += PAGE_SIZE) {
		pteval = ptep_get(pte);
		if (pte_none(pteval))
			continue;
		folio = page_folio(pte_page(pteval));
		if (folio_ref_count(folio) != folio_expected_ref_count(folio))
			return SCAN_PAGE_COUNT;
	}
	return SCAN_SUCCEED;
}

/*
 * mm/khugepaged.c: collapse_huge_page(), page-table part. `nr` PTEs from
 * `address` (the modelled window of the table).
 */
int collapse_huge_page(struct mm_struct *vma, unsigned long address, int nr)
{
	pmd_t *pmd = pmd_off(vma, address);
	spinlock_t *pmd_ptl, *pte_ptl;
	pmd_t _pmd;
	pte_t *pte;
	pte_t pteval;
	int result, i;
	unsigned long haddr = address & PMD_MASK;

	mmu_notifier_invalidate_range_start(vma, haddr, haddr + PMD_SIZE);

	pmd_ptl = pmd_lockptr(vma, pmd);
	spin_lock(pmd_ptl);
	/* GUP-fast is fine: it backs off when it sees the PMD changed. */
	_pmd = pmdp_collapse_flush(vma, haddr, pmd);
	spin_unlock(pmd_ptl);
	mmu_notifier_invalidate_range_end(vma, haddr, haddr + PMD_SIZE);
	tlb_remove_table_sync_one();

	pte = pte_offset_map_lock(vma, &_pmd, address, &pte_ptl);
	if (pte) {
		result = __collapse_huge_page_isolate(vma, address, pte, nr);
		spin_unlock(pte_ptl);
	} else {
		result = 0;
	}

	if (result != SCAN_SUCCEED) {
		if (pte)
			pte_unmap(pte);
		spin_lock(pmd_ptl);
		BUG_ON(!pmd_none(READ_ONCE(*pmd)));
		WRITE_ONCE(*pmd, _pmd);			/* pmd_populate(mm, pmd, pmd_pgtable(_pmd)) */
		spin_unlock(pmd_ptl);
		return result;
	}

	/*
	 * __collapse_huge_page_copy() → __collapse_huge_page_copy_succeeded():
	 * clear each old PTE and drop the mapping's reference on its folio.
	 */
	for (i = 0; i < nr; i++) {
		pteval = ptep_get(pte + i);
		if (pte_none(pteval))
			continue;
		spin_lock(pte_ptl);
		ptep_clear(vma, address + i * PAGE_SIZE, pte + i);
		spin_unlock(pte_ptl);
		if (pte_dirty(pteval))
			folio_mark_dirty(page_folio(pte_page(pteval)));
		folio_put(page_folio(pte_page(pteval)));
	}
	pte_unmap(pte);

	/* old table: pte_free_defer(), bound by `table_free` */
	pte_free_defer(vma, pmd_pgtable(_pmd));
	return SCAN_SUCCEED;
}

/* include/linux/pgtable.h: ptep_clear() = ptep_get_and_clear() (page_table_check omitted) */
static inline void ptep_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	ptep_get_and_clear(mm, addr, ptep);
}
