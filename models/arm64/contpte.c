// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: arm64 contpte layer.
 *
 * Follows arch/arm64/mm/contpte.c in two versions (where they differ in a line or
 * two, a helper bound by the configuration holds those lines):
 *   "arm64-2024"  torvalds/linux 044d659a… (v6.10-era, as discussed on linux-mm
 *                 in Feb–Apr 2024; pre-BBML2, plain gathers);
 *   "early-exit"  linux-mm/linux-mm 1ac7a0fe… (newest: contpte_is_consistent(),
 *                 gathers stop once dirty and young are both seen, BBML2 TLBI
 *                 elision in contpte_convert(), per-sub-PTE access-flags check).
 * Our own wording; loops, goto retry and the order of loads/stores are the kernel's.
 *
 * Simplifications common to the file: mm_is_user() is always true (user mms
 * only); page_table_check hooks and VM_WARN_ONs are omitted.
 */

/* contpte.c: contpte_align_down() — PTR_ALIGN_DOWN(ptep, 8 * CONT_PTES). */
static inline pte_t *contpte_align_down(pte_t *ptep)
{
	return (pte_t *)((unsigned long)ptep & ~(sizeof(pte_t) * CONT_PTES - 1));
}

/* Index of ptep inside its block (asm/pgtable.h pte_batch_hint() uses the same expression). */
static inline unsigned long contpte_index(pte_t *ptep)
{
	return ((unsigned long)ptep >> 3) & (CONT_PTES - 1);
}

/* ---------------------------------------------------------------------------
 * contpte_convert(): break-before-make repaint of a whole block (PTL held)
 * ------------------------------------------------------------------------- */

/*
 * ptelab device, not a kernel function: contpte_convert()'s intermediate TLBI,
 * bound by `bbml2`. The kernel writes `if (!system_supports_bbml2_noabort())
 * __flush_tlb_range(...)`, a constant per configuration; one helper per value
 * keeps the unused call out of the lowered code (the calls a process can make
 * decide the machine's agents and the reduction's footprints).
 * `bbml2 = off` (and the v6.10-era function, which has no such test): flush.
 */
static inline void contpte_convert_tlbi__bbm(struct mm_struct *mm, unsigned long start_addr,
					     unsigned long end_addr)
{
	__flush_tlb_range(mm, start_addr, end_addr);
}

/* `bbml2 = on`: system_supports_bbml2_noabort() is true, the TLBI is elided. */
static inline void contpte_convert_tlbi__bbml2(struct mm_struct *mm, unsigned long start_addr,
					       unsigned long end_addr)
{
}

/*
 * arch/arm64/mm/contpte.c: contpte_convert() (linux-mm newest; torvalds
 * v6.10-era when system_supports_bbml2_noabort() is false, bbml2 = off;
 * the test and its TLBI are contpte_convert_tlbi(), above).
 *  1. xchg every entry to 0, ORing the old A/D into the new value (R13/R15);
 *  2. broadcast TLBI over the block + DSB, elided with BBML2 (bbml2 = on):
 *     entries are still zeroed first; the caller's final flush cleans up
 *     stale entries;
 *  3. CONT_PTES plain stores of the new entries (not atomic as a set: R5).
 */
static void contpte_convert(struct mm_struct *mm, unsigned long addr,
			    pte_t *ptep, pte_t pte)
{
	unsigned long start_addr;
	pte_t *start_ptep;
	int i;

	start_ptep = ptep = contpte_align_down(ptep);
	start_addr = addr = addr & CONT_PTE_MASK;
	pte = pfn_pte(pte_pfn(pte) & ~(CONT_PTES - 1), pte_pgprot(pte));

	for (i = 0; i < CONT_PTES; i++, ptep++, addr += PAGE_SIZE) {
		pte_t ptent = __ptep_get_and_clear(mm, addr, ptep);

		if (pte_dirty(ptent))
			pte = pte_mkdirty(pte);

		if (pte_young(ptent))
			pte = pte_mkyoung(pte);
	}

	contpte_convert_tlbi(mm, start_addr, addr);	/* if (!system_supports_bbml2_noabort()) */

	__set_ptes(mm, start_addr, start_ptep, pte, CONT_PTES);
}

/* ---------------------------------------------------------------------------
 * fold / unfold
 * ------------------------------------------------------------------------- */

/*
 * arch/arm64/mm/contpte.c: __contpte_try_fold() (same in both versions).
 * Under the PTL: the folio of pte must cover the whole block, and every entry
 * must equal pfn_pte(base + i, prot) ignoring A/D; then repaint as cont.
 * Simplified: the folio bounds come from machine intrinsics
 * (folio_page_index(folio, page) = page - &folio->page, folio_nr_pages()).
 */
void __contpte_try_fold(struct mm_struct *mm, unsigned long addr,
			pte_t *ptep, pte_t pte)
{
	unsigned long folio_start, folio_end;
	unsigned long cont_start, cont_end;
	pte_t expected_pte, subpte;
	struct folio *folio;
	struct page *page;
	unsigned long pfn;
	pte_t *orig_ptep;
	pgprot_t prot;
	int i;

	page = pte_page(pte);
	folio = page_folio(page);
	folio_start = addr - folio_page_index(folio, page) * PAGE_SIZE;
	folio_end = folio_start + folio_nr_pages(folio) * PAGE_SIZE;
	cont_start = addr & CONT_PTE_MASK;
	cont_end = cont_start + CONT_PTE_SIZE;

	if (folio_start > cont_start || folio_end < cont_end)
		return;

	pfn = pte_pfn(pte) & ~(CONT_PTES - 1);
	prot = pte_pgprot(pte_mkold(pte_mkclean(pte)));
	expected_pte = pfn_pte(pfn, prot);
	orig_ptep = ptep;
	ptep = contpte_align_down(ptep);

	for (i = 0; i < CONT_PTES; i++) {
		subpte = pte_mkold(pte_mkclean(__ptep_get(ptep)));
		if (!pte_same(subpte, expected_pte))
			return;
		expected_pte = pte_advance_pfn(expected_pte, 1);
		ptep++;
	}

	pte = pte_mkcont(pte);
	contpte_convert(mm, addr, orig_ptep, pte);
}

/* arch/arm64/mm/contpte.c: __contpte_try_unfold() */
void __contpte_try_unfold(struct mm_struct *mm, unsigned long addr,
			  pte_t *ptep, pte_t pte)
{
	pte = pte_mknoncont(pte);
	contpte_convert(mm, addr, ptep, pte);
}

/*
 * arch/arm64/mm/contpte.c: contpte_try_unfold_partial() — unfold only the
 * blocks partially covered at either end of [ptep, ptep + nr).
 */
static void contpte_try_unfold_partial(struct mm_struct *mm, unsigned long addr,
				       pte_t *ptep, unsigned int nr)
{
	if (ptep != contpte_align_down(ptep) || nr < CONT_PTES)
		contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));

	if (ptep + nr != contpte_align_down(ptep + nr)) {
		unsigned long last_addr = addr + PAGE_SIZE * (nr - 1);
		pte_t *last_ptep = ptep + nr - 1;

		contpte_try_unfold(mm, last_addr, last_ptep, __ptep_get(last_ptep));
	}
}

/* ---------------------------------------------------------------------------
 * Getters
 * ------------------------------------------------------------------------- */

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_get(), torvalds v6.10-era:
 * OR the A/D of every entry of the block (separate loads; PTL held).
 */
pte_t contpte_ptep_get__arm64_2024(pte_t *ptep, pte_t orig_pte)
{
	pte_t pte;
	int i;

	ptep = contpte_align_down(ptep);

	for (i = 0; i < CONT_PTES; i++, ptep++) {
		pte = __ptep_get(ptep);

		if (pte_dirty(pte))
			orig_pte = pte_mkdirty(orig_pte);

		if (pte_young(pte))
			orig_pte = pte_mkyoung(orig_pte);
	}

	return orig_pte;
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_get(), linux-mm newest ("arm64/mm:
 * Optimize loop to reduce redundant operations of contpte_ptep_get", 2025):
 * once one flag is found, scan on only for the other, then stop. Kept whole
 * beside __arm64_2024: the loop itself differs (nested scans), not a line.
 */
pte_t contpte_ptep_get__early_exit(pte_t *ptep, pte_t orig_pte)
{
	pte_t pte;
	int i;

	ptep = contpte_align_down(ptep);

	for (i = 0; i < CONT_PTES; i++, ptep++) {
		pte = __ptep_get(ptep);

		if (pte_dirty(pte)) {
			orig_pte = pte_mkdirty(orig_pte);
			for (; i < CONT_PTES; i++, ptep++) {
				pte = __ptep_get(ptep);
				if (pte_young(pte)) {
					orig_pte = pte_mkyoung(orig_pte);
					break;
				}
			}
			break;
		}

		if (pte_young(pte)) {
			orig_pte = pte_mkyoung(orig_pte);
			i++;
			ptep++;
			for (; i < CONT_PTES; i++, ptep++) {
				pte = __ptep_get(ptep);
				if (pte_dirty(pte)) {
					orig_pte = pte_mkdirty(orig_pte);
					break;
				}
			}
			break;
		}
	}

	return orig_pte;
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_get_lockless(), torvalds v6.10-era
 * ("arm64-2024"). Re-read the target; if valid+cont, check that every entry
 * is valid+cont with pfn base+i and the same prot ignoring A/D, else retry;
 * OR in A/D. No ABA detection; A/D is an OR over a time window (R5/R6).
 */
pte_t contpte_ptep_get_lockless__arm64_2024(pte_t *orig_ptep)
{
	pgprot_t orig_prot;
	unsigned long pfn;
	pte_t orig_pte;
	pgprot_t prot;
	pte_t *ptep;
	pte_t pte;
	int i;

retry:
	orig_pte = __ptep_get(orig_ptep);

	if (!pte_valid_cont(orig_pte))
		return orig_pte;

	orig_prot = pte_pgprot(pte_mkold(pte_mkclean(orig_pte)));
	ptep = contpte_align_down(orig_ptep);
	pfn = pte_pfn(orig_pte) - contpte_index(orig_ptep);

	for (i = 0; i < CONT_PTES; i++, ptep++, pfn++) {
		pte = __ptep_get(ptep);
		prot = pte_pgprot(pte_mkold(pte_mkclean(pte)));

		if (!pte_valid_cont(pte) ||
		    pte_pfn(pte) != pfn ||
		    prot != orig_prot)
			goto retry;

		if (pte_dirty(pte))
			orig_pte = pte_mkdirty(orig_pte);

		if (pte_young(pte))
			orig_pte = pte_mkyoung(orig_pte);
	}

	return orig_pte;
}

/* arch/arm64/mm/contpte.c (linux-mm newest): contpte_is_consistent() */
static inline int contpte_is_consistent(pte_t pte, unsigned long pfn, pgprot_t orig_prot)
{
	pgprot_t prot = pte_pgprot(pte_mkold(pte_mkclean(pte)));

	return pte_valid_cont(pte) && pte_pfn(pte) == pfn && prot == orig_prot;
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_get_lockless(), linux-mm newest
 * ("arm64-early-exit"). Same check, but entries after the point where both
 * dirty and young have been seen are neither read nor checked. Kept whole
 * beside __arm64_2024: the loop itself differs (nested scans), not a line.
 */
pte_t contpte_ptep_get_lockless__early_exit(pte_t *orig_ptep)
{
	pgprot_t orig_prot;
	unsigned long pfn;
	pte_t orig_pte;
	pte_t *ptep;
	pte_t pte;
	int i;

retry:
	orig_pte = __ptep_get(orig_ptep);

	if (!pte_valid_cont(orig_pte))
		return orig_pte;

	orig_prot = pte_pgprot(pte_mkold(pte_mkclean(orig_pte)));
	ptep = contpte_align_down(orig_ptep);
	pfn = pte_pfn(orig_pte) - contpte_index(orig_ptep);

	for (i = 0; i < CONT_PTES; i++, ptep++, pfn++) {
		pte = __ptep_get(ptep);

		if (!contpte_is_consistent(pte, pfn, orig_prot))
			goto retry;

		if (pte_dirty(pte)) {
			orig_pte = pte_mkdirty(orig_pte);
			for (; i < CONT_PTES; i++, ptep++, pfn++) {
				pte = __ptep_get(ptep);

				if (!contpte_is_consistent(pte, pfn, orig_prot))
					goto retry;

				if (pte_young(pte)) {
					orig_pte = pte_mkyoung(orig_pte);
					break;
				}
			}
			break;
		}

		if (pte_young(pte)) {
			orig_pte = pte_mkyoung(orig_pte);
			i++;
			ptep++;
			pfn++;
			for (; i < CONT_PTES; i++, ptep++, pfn++) {
				pte = __ptep_get(ptep);

				if (!contpte_is_consistent(pte, pfn, orig_prot))
					goto retry;

				if (pte_dirty(pte)) {
					orig_pte = pte_mkdirty(orig_pte);
					break;
				}
			}
			break;
		}
	}

	return orig_pte;
}

/* ---------------------------------------------------------------------------
 * Setters (PTL held)
 * ------------------------------------------------------------------------- */

/*
 * arch/arm64/mm/contpte.c: contpte_set_ptes() (nr > 1, all targets not
 * present). Each CONT-aligned chunk whose va, end and pa are aligned is
 * written with CONT, else without; plain stores, no BBM needed.
 * pte_cont_addr_end() is written out inline.
 */
void contpte_set_ptes(struct mm_struct *mm, unsigned long addr,
		      pte_t *ptep, pte_t pte, unsigned int nr)
{
	unsigned long next;
	unsigned long end;
	unsigned long pfn;
	pgprot_t prot;
	unsigned long boundary;

	end = addr + (nr << PAGE_SHIFT);
	pfn = pte_pfn(pte);
	prot = pte_pgprot(pte);

	do {
		boundary = (addr + CONT_PTE_SIZE) & CONT_PTE_MASK;
		next = (boundary - 1 < end - 1) ? boundary : end;
		nr = (next - addr) >> PAGE_SHIFT;
		pte = pfn_pte(pfn, prot);

		if (((addr | next | (pfn << PAGE_SHIFT)) & ~CONT_PTE_MASK) == 0)
			pte = pte_mkcont(pte);
		else
			pte = pte_mknoncont(pte);

		__set_ptes(mm, addr, ptep, pte, nr);

		addr = next;
		ptep += nr;
		pfn += nr;
	} while (addr != end);
}

/*
 * arch/arm64/mm/contpte.c: contpte_wrprotect_ptes() (fork). Whole blocks are
 * write-protected in place, entry by entry, without unfolding; the TLB flush
 * comes later from mmu_gather (R14). Partial blocks are unfolded first.
 */
void contpte_wrprotect_ptes(struct mm_struct *mm, unsigned long addr,
			    pte_t *ptep, unsigned int nr)
{
	contpte_try_unfold_partial(mm, addr, ptep, nr);
	__wrprotect_ptes(mm, addr, ptep, nr);
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_test_and_clear_young(), torvalds
 * v6.10-era: clear AF on every entry of the block (cmpxchg each), return the OR.
 */
int contpte_ptep_test_and_clear_young(struct mm_struct *vma, unsigned long addr,
				      pte_t *ptep)
{
	int young = 0;
	int i;

	ptep = contpte_align_down(ptep);
	addr = addr & CONT_PTE_MASK;

	for (i = 0; i < CONT_PTES; i++, ptep++, addr += PAGE_SIZE)
		young |= __ptep_test_and_clear_young(vma, addr, ptep);

	return young;
}

/*
 * arch/arm64/mm/contpte.c: contpte_clear_young_dirty_ptes() (MADV_FREE):
 * expand to whole blocks, no unfold. (newest factors the expansion into
 * contpte_align_addr_ptep(); same effect.)
 */
void contpte_clear_young_dirty_ptes(struct mm_struct *vma, unsigned long addr,
				    pte_t *ptep, unsigned int nr, int flags)
{
	unsigned long start = addr;
	unsigned long end = start + nr * PAGE_SIZE;

	if (pte_cont(__ptep_get(ptep + nr - 1)))
		end = (end + CONT_PTE_SIZE - 1) & CONT_PTE_MASK;

	if (pte_cont(__ptep_get(ptep))) {
		start = start & CONT_PTE_MASK;
		ptep = contpte_align_down(ptep);
	}

	__clear_young_dirty_ptes(vma, start, ptep, (end - start) / PAGE_SIZE, flags);
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_set_access_flags(), torvalds
 * v6.10-era ("arm64-2024"): no-op test on the *gathered* value; if the write
 * bit is unchanged, OR the flags into every entry without unfolding and flush
 * the block if dirty (broadcast); else unfold and update the target.
 * Kept whole beside __newest although the rest is the same: the versions read
 * orig_pte before vs after the no-op test, so a bound helper for those lines
 * would need an out-parameter, which puts orig_pte in private memory and adds
 * accesses to the lowered code.
 */
int contpte_ptep_set_access_flags__arm64_2024(struct mm_struct *vma,
					      unsigned long addr, pte_t *ptep,
					      pte_t entry, int dirty)
{
	unsigned long start_addr;
	pte_t orig_pte;
	int i;

	orig_pte = pte_mknoncont(ptep_get(ptep));
	if (orig_pte == entry)
		return 0;

	if (pte_write(orig_pte) == pte_write(entry)) {
		ptep = contpte_align_down(ptep);
		start_addr = addr = addr & CONT_PTE_MASK;

		for (i = 0; i < CONT_PTES; i++, ptep++, addr += PAGE_SIZE)
			__ptep_set_access_flags(vma, addr, ptep, entry, 0);

		if (dirty)
			__flush_tlb_range(vma, start_addr, addr);
	} else {
		__contpte_try_unfold(vma, addr, ptep, orig_pte);
		__ptep_set_access_flags(vma, addr, ptep, entry, dirty);
	}

	return 1;
}

/*
 * arch/arm64/mm/contpte.c (linux-mm newest): contpte_all_subptes_match_access_flags()
 * — raw per-entry compare of RDONLY|AF|WRITE|DIRTY against entry.
 */
static int contpte_all_subptes_match_access_flags(pte_t *ptep, pte_t entry)
{
	pte_t *cont_ptep = contpte_align_down(ptep);
	unsigned long cmp_mask = PTE_RDONLY | PTE_AF | PTE_WRITE | PTE_DIRTY;
	unsigned long entry_cmp = entry & cmp_mask;
	int i;

	for (i = 0; i < CONT_PTES; i++) {
		unsigned long pte_cmp = __ptep_get(cont_ptep + i) & cmp_mask;

		if (pte_cmp != entry_cmp)
			return 0;
	}

	return 1;
}

/*
 * arch/arm64/mm/contpte.c: contpte_ptep_set_access_flags(), linux-mm newest
 * ("early-exit" tree): per-sub-PTE no-op test, raw target for the write-bit
 * decision, local (not broadcast) block flush.
 */
int contpte_ptep_set_access_flags__newest(struct mm_struct *vma,
					  unsigned long addr, pte_t *ptep,
					  pte_t entry, int dirty)
{
	unsigned long start_addr;
	pte_t orig_pte;
	int i;

	if (contpte_all_subptes_match_access_flags(ptep, entry))
		return 0;

	orig_pte = pte_mknoncont(__ptep_get(ptep));

	if (pte_write(orig_pte) == pte_write(entry)) {
		ptep = contpte_align_down(ptep);
		start_addr = addr = addr & CONT_PTE_MASK;

		for (i = 0; i < CONT_PTES; i++, ptep++, addr += PAGE_SIZE)
			__ptep_set_access_flags(vma, addr, ptep, entry, 0);

		if (dirty)
			local_flush_tlb_contpte(vma, start_addr);
	} else {
		__contpte_try_unfold(vma, addr, ptep, orig_pte);
		__ptep_set_access_flags(vma, addr, ptep, entry, dirty);
	}

	return 1;
}
