// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: GUP-fast (class-B lockless walker).
 * Follows mm/gup.c (linux-mm tree, 0092cb38…): gup_fast(), gup_fast_pte_range(),
 * try_grab_folio_fast()/try_get_folio(), get_user_pages_fast_only().
 * Our own wording; same order of operations.
 *
 * Simplifications:
 *  - only the PTE level is walked: the PGD/P4D/PUD levels are static in the
 *    machine, so gup_fast_pgd_range() is reduced to pmd_off() + one
 *    pmdp_get_lockless() + gup_fast_pte_range(); PMD leaves (THP) are not modelled;
 *  - FOLL_GET only: FOLL_PIN (GUP_PIN_COUNTING_BIAS, _pincount,
 *    write_protect_seq, arch_make_folio_accessible) is not modelled;
 *  - gup_fast_folio_allowed() and gup_must_unshare() are taken as true/false
 *    (anon folios, no COW sharing); folio_set_referenced() omitted;
 *  - pages[] is replaced by returning the single struct page * (nr_pages = 1)
 *    through *pagep.
 *
 * Instrumentation (ptelab, not kernel; no effect on the run, they only feed checks):
 *  - ptelab_gup_begin(addr) / ptelab_gup_end(addr, page) around gup_fast():
 *    `gup-wrong-page` if the page returned was never mapped at addr during the call;
 *  - ptelab_read_begin(ptep) before the lockless read and ptelab_read_acts(ptep, pte)
 *    where GUP starts acting on the value: `garbage` if pte's non-A/D fields match
 *    no value the entry held during the read.
 */

#define FOLL_WRITE      0x01
#define FOLL_GET        0x04
#define FOLL_FAST_ONLY  0x80000

/*
 * mm/gup.c: try_get_folio(): speculative reference with add-unless-zero; if
 * the page moved to another folio meanwhile (split), drop and retry.
 * folio_ref_try_add() is the fully ordered value-returning RMW that orders the
 * ref before GUP-fast's recheck (domain §5.3).
 */
static struct folio *try_get_folio(struct page *page, int refs)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	if (WARN_ON_ONCE(folio_ref_count(folio) < 0))
		return NULL;
	if (!folio_ref_try_add(folio, refs))
		return NULL;

	if (page_folio(page) != folio) {
		folio_put_refs(folio, refs);
		goto retry;
	}
	return folio;
}

/* mm/gup.c: try_grab_folio_fast(), FOLL_GET branch only (see header). */
static struct folio *try_grab_folio_fast(struct page *page, int refs, unsigned int flags)
{
	WARN_ON_ONCE(!irqs_disabled());
	return try_get_folio(page, refs);
}

/* mm/gup.c: gup_put_folio(), FOLL_GET branch: folio_put_refs(). */
static void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	folio_put_refs(folio, refs);
}

/*
 * ptelab device, not a kernel function: the lockless PTE read of
 * gup_fast_pte_range(), the line the `gup_recheck` variants change. Bound by
 * `gup_recheck`: `lockless` and `ptep_get` read with ptep_get_lockless();
 * `norecency` (RFC patch 2) with ptep_get_lockless_norecency().
 */
static inline pte_t gup_fast_pte_read__lockless(pte_t *ptep)
{
	return ptep_get_lockless(ptep);
}

static inline pte_t gup_fast_pte_read__norecency(pte_t *ptep)
{
	return ptep_get_lockless_norecency(ptep);
}

/*
 * ptelab device, not a kernel function: the condition of gup_fast_pte_range()'s
 * recheck once the reference is held — true if the pmd or the PTE changed.
 * Bound by `gup_recheck`.
 *
 * `gup_recheck = lockless`: the newest linux-mm / Gordeev 2026 form,
 * pmdp_get_lockless() + ptep_get_lockless().
 */
static inline int gup_fast_pte_recheck__lockless(pmd_t pmd, pmd_t *pmdp, pte_t pte, pte_t *ptep)
{
	return pmd != pmdp_get_lockless(pmdp) ||
	       pte != ptep_get_lockless(ptep);
}

/*
 * `gup_recheck = ptep_get`: the ≤2025 form
 * `pmd_val(pmd) != pmd_val(*pmdp) || pte_val(pte) != pte_val(ptep_get(ptep))`.
 * On PAE ptep_get is the torn two-load read (R10 Aside).
 */
static inline int gup_fast_pte_recheck__ptep_get(pmd_t pmd, pmd_t *pmdp, pte_t pte, pte_t *ptep)
{
	return pmd != READ_ONCE(*pmdp) ||
	       pte != ptep_get(ptep);
}

/*
 * `gup_recheck = norecency`: RFC patch 2 "mm/gup: Use
 * ptep_get_lockless_norecency()" (Feb 2024, acked, never merged): recheck
 * modulo A/D with pte_same_norecency(). The exact form of the RFC's recheck
 * line is unconfirmed (docs/models.md).
 */
static inline int gup_fast_pte_recheck__norecency(pmd_t pmd, pmd_t *pmdp, pte_t pte, pte_t *ptep)
{
	return pmd != pmdp_get_lockless(pmdp) ||
	       !pte_same_norecency(pte, ptep_get_lockless_norecency(ptep));
}

/*
 * mm/gup.c: gup_fast_pte_range() for one page. The lockless read and the
 * recheck are the lines the kernel versions differ in: gup_fast_pte_read() and
 * gup_fast_pte_recheck(), bound by `gup_recheck` (above). *ptevalp (may be
 * NULL) receives the PTE value the pin was validated against — only the KVM
 * model uses it.
 */
unsigned long gup_fast_pte_range(pmd_t pmd, pmd_t *pmdp, unsigned long addr,
				 unsigned int flags, struct page **pagep,
				 pte_t *ptevalp)
{
	unsigned long nr_pages = 0;
	pte_t *ptep, *ptem;
	pte_t pte;
	struct page *page;
	struct folio *folio;

	ptem = ptep = pte_offset_map(&pmd, addr);
	if (!ptep)
		return 0;

	ptelab_read_begin(ptep);	/* instrumentation (garbage check) */
	pte = gup_fast_pte_read(ptep);
	ptelab_read_acts(ptep, pte);	/* instrumentation: GUP acts on pte from here */

	if (pte_protnone(pte))
		goto pte_unmap;

	if (!pte_access_permitted(pte, flags & FOLL_WRITE))
		goto pte_unmap;

	if (pte_special(pte))
		goto pte_unmap;

	page = pte_page(pte);

	folio = try_grab_folio_fast(page, 1, flags);
	if (!folio)
		goto pte_unmap;

	if (gup_fast_pte_recheck(pmd, pmdp, pte, ptep)) {
		gup_put_folio(folio, 1, flags);
		goto pte_unmap;
	}

	*pagep = page;
	if (ptevalp)
		*ptevalp = pte;
	nr_pages++;

pte_unmap:
	pte_unmap(ptem);
	return nr_pages;
}

/*
 * mm/gup.c: gup_fast(): IRQs off around the walk. With IRQs off this CPU
 * (i) holds off RCU grace periods (table freeing) and (ii) does not take the
 * tlb_remove_table_sync_one() / x86 TLB-flush IPIs. gup_fast_pgd_range() is
 * collapsed to the PMD level (see header).
 */
unsigned long gup_fast(struct mm_struct *mm, unsigned long start, unsigned int gup_flags,
		       struct page **pagep, pte_t *ptevalp)
{
	unsigned long flags, nr_pinned = 0;
	pmd_t *pmdp;
	pmd_t pmd;

	ptelab_gup_begin(start);	/* instrumentation (gup-wrong-page check) */
	flags = local_irq_save();
	/* gup_fast_pgd_range() → … → gup_fast_pmd_range() */
	pmdp = pmd_off(mm, start);
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_present(pmd) && !pmd_trans_huge(pmd))
		nr_pinned = gup_fast_pte_range(pmd, pmdp, start, gup_flags, pagep, ptevalp);
	local_irq_restore(flags);
	ptelab_gup_end(start, nr_pinned ? *pagep : NULL);	/* instrumentation */

	return nr_pinned;
}

/*
 * mm/gup.c: get_user_page_fast_only() (include/linux/mm.h wrapper of
 * get_user_pages_fast_only(addr, 1, flags, &page)): FOLL_GET | FOLL_FAST_ONLY,
 * no slow-path fallback. Returns the page or NULL (litmus-friendly: the
 * kernel returns a bool and fills *pagep).
 */
struct page *get_user_page_fast_only(struct mm_struct *mm, unsigned long addr,
				     unsigned int gup_flags)
{
	struct page *page = NULL;

	gup_flags |= FOLL_GET | FOLL_FAST_ONLY;
	if (gup_fast(mm, addr & ~(PAGE_SIZE - 1), gup_flags, &page, NULL) == 1)
		return page;
	return NULL;
}

/*
 * Not in the kernel: get_user_page_fast_only() that also reports the PTE
 * value GUP-fast validated (David Hildenbrand's hypothetical KVM scheme needs
 * "was the PTE dirty?"; domain §7). Used by models/kvm/secondary-mmu.c.
 */
struct page *get_user_page_fast_only_pte(struct mm_struct *mm, unsigned long addr,
					 unsigned int gup_flags, pte_t *ptevalp)
{
	struct page *page = NULL;

	gup_flags |= FOLL_GET | FOLL_FAST_ONLY;
	if (gup_fast(mm, addr & ~(PAGE_SIZE - 1), gup_flags, &page, ptevalp) == 1)
		return page;
	return NULL;
}

/* mm/gup.c: put_page() for a FOLL_GET reference returned to the caller. */
static inline void put_page(struct page *page)
{
	folio_put_refs(page_folio(page), 1);
}
