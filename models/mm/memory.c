// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: page-fault path (class-A lockless walker) and unmap.
 * Follows mm/memory.c (linux-mm tree, 009857a2…): handle_pte_fault(),
 * __handle_mm_fault() (PTE level only), do_anonymous_page() (as
 * do_pte_missing), zap_pte_range()/zap_page_range_single(), free_pte_range().
 * Our own wording; same order of operations.
 *
 * The `struct vm_fault` is flattened into locals (the dialect has no struct
 * fields): vmf->pte → pte, vmf->orig_pte → orig_pte, vmf->ptl → ptl.
 */

#define FAULT_FLAG_WRITE        0x01
#define FAULT_FLAG_UNSHARE      0x400

#define VM_FAULT_OOM            0x0001
#define VM_FAULT_SIGSEGV        0x0040
#define ENOMEM                  12
#define VM_FAULT_UNMODELLED     0x100000   /* ptelab: a handler outside the model was chosen */

/* Not modelled: the fault would go to a handler we do not model. */
static int do_fault_unmodelled(pte_t *pte, spinlock_t *ptl, int locked)
{
	if (locked)
		pte_unmap_unlock(pte, ptl);
	else if (pte)
		pte_unmap(pte);
	return VM_FAULT_UNMODELLED;
}

/*
 * mm/memory.c: __pte_alloc() with pmd_install() inlined: allocate a PTE table
 * (pte_alloc_one(): a free table page, possibly one freed earlier = reuse),
 * take the PMD lock, populate the pmd if it is still none (mm_inc_nr_ptes()
 * and the smp_wmb() before pmd_populate() are not modelled: SC), else free
 * the new table with pte_free(); unlock. -ENOMEM when no table page is free.
 */
int __pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	pgtable_t new = pte_alloc_one(mm);
	spinlock_t *ptl;

	if (!new)
		return -ENOMEM;

	ptl = pmd_lockptr(mm, pmd);			/* pmd_install(): pmd_lock() */
	spin_lock(ptl);
	if (pmd_none(READ_ONCE(*pmd))) {		/* Has another populated it ? */
		pmd_populate(mm, pmd, new);
		new = NULL;
	}
	spin_unlock(ptl);
	if (new)
		pte_free(mm, new);
	return 0;
}

/*
 * mm/memory.c: do_pte_missing() → do_anonymous_page(), minimal.
 * Allocate a folio (from the test's pool), map the PTE table with the PTL,
 * back off if the entry is no longer none (vmf_pte_changed()), else
 * set_ptes() one page, young, and dirty+writable for a write fault.
 * Simplified: no zero page, no mTHP orders (nr = 1), no userfaultfd, no
 * memcg, no rmap/LRU. pte_alloc() (include/linux/mm.h: pmd_none(*pmd) &&
 * __pte_alloc()) comes first, as in do_anonymous_page().
 */
int do_pte_missing(struct mm_struct *vma, pmd_t *pmd, unsigned long address,
		   unsigned int flags)
{
	struct folio *folio;
	spinlock_t *ptl;
	pte_t *pte;
	pte_t entry;

	/* pte_alloc(): allocate the PTE table if the pmd is none */
	if (pmd_none(READ_ONCE(*pmd)) && __pte_alloc(vma, pmd))
		return VM_FAULT_OOM;

	folio = vma_alloc_folio(vma, address);
	if (!folio)
		return VM_FAULT_OOM;

	entry = pte_mkyoung(mk_pte(folio_page(folio, 0), vma_page_prot(vma)));
	if (flags & FAULT_FLAG_WRITE)
		entry = pte_mkwrite_novma(pte_mkdirty(entry));

	pte = pte_offset_map_lock(vma, pmd, address, &ptl);
	if (!pte) {
		folio_put(folio);
		return 0;
	}
	if (!pte_none(ptep_get(pte))) {
		/* vmf_pte_changed(): someone else populated it */
		update_mmu_tlb(vma, address, pte);
		pte_unmap_unlock(pte, ptl);
		folio_put(folio);
		return 0;
	}
	set_ptes(vma, address, pte, entry, 1);
	update_mmu_cache_range(vma, address, pte, 1);
	pte_unmap_unlock(pte, ptl);
	return 0;
}

/*
 * ptelab devices, not kernel functions: the two lines of handle_pte_fault()
 * that RFC patch 3 "mm: Use ptep_get_lockless_norecency() for orig_pte"
 * (Feb 2024, dropped after David Hildenbrand's 26 Mar review) changes, bound by
 * `fault_compare`: how orig_pte is read locklessly, and how it is compared
 * with the entry under the PTL.
 *
 * `fault_compare = pte_same` (linux-mm newest): ptep_get_lockless(), pte_same().
 */
static inline pte_t handle_pte_fault_orig_pte__pte_same(pte_t *pte)
{
	return ptep_get_lockless(pte);
}

static inline int handle_pte_fault_same__pte_same(pte_t pte, pte_t entry)
{
	return pte_same(pte, entry);
}

/*
 * `fault_compare = norecency` (RFC patch 3): ptep_get_lockless_norecency(),
 * pte_same_norecency(). entry is still built from the stale orig_pte, so with
 * a generic ptep_set_access_flags() a concurrent dirty bit is lost (R9b).
 */
static inline pte_t handle_pte_fault_orig_pte__norecency(pte_t *pte)
{
	return ptep_get_lockless_norecency(pte);
}

static inline int handle_pte_fault_same__norecency(pte_t pte, pte_t entry)
{
	return pte_same_norecency(pte, entry);
}

/*
 * mm/memory.c: handle_pte_fault() (linux-mm newest). orig_pte is read
 * locklessly (garbage allowed, class A); everything is re-verified under the
 * PTL before committing. The read and the compare are bound by
 * `fault_compare` (above).
 */
int handle_pte_fault(struct mm_struct *vma, pmd_t *pmd, unsigned long address,
		     unsigned int flags)
{
	pmd_t dummy_pmdval;
	spinlock_t *ptl;
	pte_t *pte;
	pte_t orig_pte;
	pte_t entry;

	if (pmd_none(READ_ONCE(*pmd))) {
		pte = NULL;
	} else {
		pte = pte_offset_map_rw_nolock(vma, pmd, address, &dummy_pmdval, &ptl);
		if (!pte)
			return 0;
		orig_pte = handle_pte_fault_orig_pte(pte);

		if (pte_none(orig_pte)) {
			pte_unmap(pte);
			pte = NULL;
		}
	}

	if (!pte)
		return do_pte_missing(vma, pmd, address, flags);

	if (!pte_present(orig_pte))
		return do_fault_unmodelled(pte, ptl, 0);		/* do_swap_page() */

	if (pte_protnone(orig_pte))
		return do_fault_unmodelled(pte, ptl, 0);		/* do_numa_page() */

	spin_lock(ptl);
	entry = orig_pte;
	if (!handle_pte_fault_same(ptep_get(pte), entry)) {
		update_mmu_tlb(vma, address, pte);
		goto unlock;
	}
	if (flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) {
		if (!pte_write(entry))
			return do_fault_unmodelled(pte, ptl, 1);	/* do_wp_page() */
		else if (flags & FAULT_FLAG_WRITE)
			entry = pte_mkdirty(entry);
	}
	entry = pte_mkyoung(entry);
	if (ptep_set_access_flags(vma, address, pte, entry, flags & FAULT_FLAG_WRITE))
		update_mmu_cache_range(vma, address, pte, 1);
	else
		flush_tlb_fix_spurious_fault(vma, address, pte);	/* fix_spurious_fault() */
unlock:
	pte_unmap_unlock(pte, ptl);
	return 0;
}

/*
 * mm/memory.c: handle_mm_fault() → __handle_mm_fault(), PTE level only:
 * upper levels are static, PMD leaves (THP) not modelled. `address` is the
 * faulting user address; the litmus test calls this after user_read/
 * user_write returned a fault code.
 */
int handle_mm_fault(struct mm_struct *vma, unsigned long address, unsigned int flags)
{
	pmd_t *pmd = pmd_off(vma, address);

	return handle_pte_fault(vma, pmd, address & ~(PAGE_SIZE - 1), flags);
}

/*
 * mm/memory.c: zap_pte_range() → zap_present_ptes(), one entry per
 * iteration (the newest tree batches folio runs with get_and_clear_full_ptes();
 * per-entry is the pre-2024 shape and exercises the same xchg/unfold code).
 * Clear each present entry with ptep_get_and_clear_full() (xchg; unfolds a
 * contpte block first), record the TLB range, transfer a dirty bit to the
 * folio, gather the page for freeing after the TLB flush.
 * When the gather's batch is full, force_flush/force_break: stop, flush the
 * TLB while still holding the PTL, drop it, free the batch and start again
 * at the next address (goto retry), as the kernel does. Otherwise the TLB is
 * NOT flushed before the PTL is dropped — Jann Horn's 2022 point for R10.
 * Simplified: no swap/migration entries, no rmap/RSS accounting, no delayed
 * rmap, vm_normal_page() = pte_page() unless pte_special().
 */
unsigned long zap_pte_range(struct mmu_gather *tlb, struct mm_struct *vma, pmd_t *pmd,
			    unsigned long addr, unsigned long end)
{
	int force_flush = 0;
	spinlock_t *ptl;
	pte_t *start_pte;
	pte_t *pte;
	pte_t ptent;
	struct page *page;
	struct folio *folio;

retry:
	start_pte = pte = pte_offset_map_lock(vma, pmd, addr, &ptl);
	if (!pte)
		return addr;

	do {
		ptent = ptep_get(pte);
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent))
			continue;			/* swap/migration entries: not modelled */

		page = NULL;
		if (!pte_special(ptent))
			page = pte_page(ptent);

		ptent = ptep_get_and_clear_full(vma, addr, pte, 0);
		tlb_remove_tlb_entry(tlb, pte, addr);
		if (!page)
			continue;

		folio = page_folio(page);
		if (pte_dirty(ptent))
			folio_mark_dirty(folio);
		if (__tlb_remove_folio_pages(tlb, page, 1)) {
			/* zap_present_ptes(): batch full → force_flush, force_break */
			force_flush = 1;
			addr += PAGE_SIZE;
			break;
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);

	if (force_flush)
		tlb_flush_mmu_tlbonly(tlb);
	pte_unmap_unlock(start_pte, ptl);
	if (force_flush)
		tlb_flush_mmu(tlb);

	if (addr != end) {
		force_flush = 0;
		goto retry;
	}
	return addr;
}

/*
 * mm/memory.c: zap_page_range_single() (MADV_DONTNEED): gather, notify the
 * secondary MMUs, zap, notify end, then tlb_finish_mmu() flushes the TLB and
 * only then frees the gathered folios. The range must lie in one PTE table.
 */
void zap_page_range_single(struct mm_struct *vma, unsigned long address, unsigned long size)
{
	struct mmu_gather *tlb;
	unsigned long end = address + size;

	tlb = tlb_gather_mmu(vma);
	mmu_notifier_invalidate_range_start(vma, address, end);
	zap_pte_range(tlb, vma, pmd_off(vma, address), address, end);
	mmu_notifier_invalidate_range_end(vma, address, end);
	tlb_finish_mmu(tlb);
}

/*
 * mm/memory.c: free_pte_range() (free_pgtables() path): detach the PTE table
 * from the pmd and hand it to pte_free_tlb() → tlb_remove_table().
 * Simplified: pmd_clear() is a plain 64-bit store.
 */
void free_pte_range(struct mmu_gather *tlb, pmd_t *pmd, unsigned long addr)
{
	pgtable_t token = pmd_pgtable(READ_ONCE(*pmd));

	WRITE_ONCE(*pmd, 0);				/* pmd_clear() */
	tlb_flush_pmd_range(tlb, addr, PMD_SIZE);
	tlb_remove_table(tlb, token);			/* pte_free_tlb() → __pte_free_tlb() */
}

/*
 * munmap()-shaped teardown of one PTE table (unmap_region(): unmap_vmas() then
 * free_pgtables(), one mmu_gather): zap [address, address + size), free the
 * table that maps it, tlb_finish_mmu(). Used by R7.
 */
void unmap_region_one_table(struct mm_struct *vma, unsigned long address, unsigned long size)
{
	struct mmu_gather *tlb;
	pmd_t *pmd = pmd_off(vma, address);
	unsigned long end = address + size;

	tlb = tlb_gather_mmu(vma);
	mmu_notifier_invalidate_range_start(vma, address, end);
	zap_pte_range(tlb, vma, pmd, address, end);
	mmu_notifier_invalidate_range_end(vma, address, end);
	free_pte_range(tlb, pmd, address);
	tlb_finish_mmu(tlb);
}
