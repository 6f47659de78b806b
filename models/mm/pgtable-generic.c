// SPDX-License-Identifier: GPL-2.0
/*
 * ptelab model C: generic page-table helpers.
 * Follows mm/pgtable-generic.c and include/linux/pgtable.h (linux-mm tree,
 * 1df1ca75… / 01b111fb…). Our own wording, kernel control flow.
 */

/*
 * include/linux/pgtable.h: ptep_get() default = READ_ONCE(*ptep). Used when
 * `arch = x86` / `ptep_get_lockless = generic` (no contpte layer). On x86-PAE
 * the kernel's READ_ONCE of a 64-bit pte_t is two 32-bit loads: that is
 * ptep_get__pae in models/x86/pae.c.
 */
static inline pte_t ptep_get__generic(pte_t *ptep)
{
	return READ_ONCE(*ptep);
}

/*
 * include/linux/pgtable.h: ptep_get_lockless() default (!GUP_GET_PXX_LOW_HIGH):
 * "We require that the PTE can be read atomically" — one 64-bit load.
 */
static inline pte_t ptep_get_lockless__generic(pte_t *ptep)
{
	return ptep_get(ptep);
}

/*
 * include/linux/pgtable.h: pmdp_get_lockless() default = pmdp_get() = one load.
 * (The LOW_HIGH form for 3+ level PAE PMDs is not modelled: PMDs are written
 * by model code only with 64-bit stores, see docs/models.md.)
 */
static inline pmd_t pmdp_get_lockless(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

/* include/linux/pgtable.h: pmdp_get() default */
static inline pmd_t pmdp_get(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

/*
 * RFC patch 1 "mm: Introduce ptep_get_lockless_norecency()" (never merged):
 * generic default = ptep_get_lockless(); arm64 override in models/arm64/pgtable.c.
 */
static inline pte_t ptep_get_lockless_norecency__generic(pte_t *ptep)
{
	return ptep_get_lockless(ptep);
}

/*
 * RFC patch 1: pte_same_norecency(a, b) — pte_same() after mkold(mkclean())
 * of each side that is present.
 */
static inline int pte_same_norecency(pte_t pte_a, pte_t pte_b)
{
	if (pte_present(pte_a))
		pte_a = pte_mkold(pte_mkclean(pte_a));
	if (pte_present(pte_b))
		pte_b = pte_mkold(pte_mkclean(pte_b));

	return pte_same(pte_a, pte_b);
}

/*
 * mm/pgtable-generic.c: ptep_set_access_flags() generic version (architectures
 * with software-managed A/D): a full set_pte_at() whenever !pte_same().
 * Variant `ptep_set_access_flags = generic`. This is what loses a concurrent
 * dirty bit in R9b when the caller's `entry` is stale.
 */
int ptep_set_access_flags__generic(struct mm_struct *vma, unsigned long address,
				   pte_t *ptep, pte_t entry, int dirty)
{
	int changed = !pte_same(ptep_get(ptep), entry);

	if (changed) {
		set_pte_at(vma, address, ptep, entry);
		flush_tlb_fix_spurious_fault(vma, address, ptep);
	}
	return changed;
}

/*
 * include/linux/pgtable.h: flush_tlb_fix_spurious_fault() default =
 * flush_tlb_page(). Simplified to a local flush of this CPU (arm64 and x86
 * both only need the local one; remote stale entries re-fault).
 */
static inline void flush_tlb_fix_spurious_fault(struct mm_struct *vma, unsigned long address,
						pte_t *ptep)
{
	local_flush_tlb_page(vma, address);
}

/*
 * mm/pgtable-generic.c: ___pte_offset_map() (linux-mm newest).
 * rcu_read_lock() is held from here until pte_unmap(), so a table freed with
 * pte_free_defer()/tlb_remove_table() stays a (possibly disconnected) table.
 * Simplified: pmdp_get_lockless_start()/end() (IRQ save for LOW_HIGH PMDs)
 * reduce to one 64-bit load; pmd_clear_bad() on a bad pmd is a WARN.
 * `pmdvalp` may be NULL.
 */
pte_t *__pte_offset_map(pmd_t *pmd, unsigned long addr, pmd_t *pmdvalp)
{
	pmd_t pmdval;

	rcu_read_lock();
	pmdval = pmdp_get_lockless(pmd);
	if (pmdvalp)
		*pmdvalp = pmdval;
	if (pmd_none(pmdval) || !pmd_present(pmdval))
		goto nomap;
	if (pmd_trans_huge(pmdval))
		goto nomap;
	if (pmd_bad(pmdval)) {
		WARN_ON_ONCE(1);
		goto nomap;
	}
	return __pte_map(pmdval, addr);
nomap:
	rcu_read_unlock();
	return NULL;
}

/* include/linux/mm.h: pte_offset_map() */
static inline pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr)
{
	return __pte_offset_map(pmd, addr, NULL);
}

/*
 * include/linux/mm.h: pte_offset_map_rw_nolock() (fault path). Simplified:
 * the PTL pointer is derived from the pmd value read here.
 */
pte_t *pte_offset_map_rw_nolock(struct mm_struct *mm, pmd_t *pmd, unsigned long addr,
				pmd_t *pmdvalp, spinlock_t **ptlp)
{
	pte_t *pte;

	pte = __pte_offset_map(pmd, addr, pmdvalp);
	if (pte)
		*ptlp = pte_lockptr(mm, *pmdvalp);
	return pte;
}

/* include/linux/mm.h: pte_unmap() — ends the RCU section of __pte_offset_map(). */
static inline void pte_unmap(pte_t *pte)
{
	rcu_read_unlock();
}

/*
 * mm/pgtable-generic.c: __pte_offset_map_lock() (linux-mm newest): map, take
 * the PTL, recheck the pmd is unchanged, else drop everything and retry.
 */
pte_t *pte_offset_map_lock(struct mm_struct *mm, pmd_t *pmd, unsigned long addr,
			   spinlock_t **ptlp)
{
	spinlock_t *ptl;
	pmd_t pmdval;
	pte_t *pte;
again:
	pte = __pte_offset_map(pmd, addr, &pmdval);
	if (!pte)
		return pte;
	ptl = pte_lockptr(mm, pmdval);
	spin_lock(ptl);
	if (pmd_same(pmdval, pmdp_get_lockless(pmd))) {
		*ptlp = ptl;
		return pte;
	}
	pte_unmap_unlock(pte, ptl);
	goto again;
}

/* include/linux/mm.h: pte_unmap_unlock() */
static inline void pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	spin_unlock(ptl);
	pte_unmap(pte);
}

/*
 * mm/pgtable-generic.c: pmdp_collapse_flush() (generic): clear the pmd with
 * pmdp_huge_get_and_clear() (an xchg on arm64), then flush the range.
 * Simplified: the range is the PTE-table span given by the caller.
 */
pmd_t pmdp_collapse_flush(struct mm_struct *vma, unsigned long address, pmd_t *pmdp)
{
	pmd_t pmd;

	pmd = xchg_relaxed(pmdp, 0);
	flush_tlb_range(vma, address, address + PMD_SIZE);
	return pmd;
}

/* arch/x86/include/asm/pgtable_64.h: native_set_pte(): one 64-bit store (`arch = x86`). */
static inline void set_pte__generic(pte_t *ptep, pte_t pte)
{
	WRITE_ONCE(*ptep, pte);
}

/*
 * include/linux/pgtable.h: set_ptes() default loop over set_pte()
 * (architectures without contpte: `arch = x86`, and x86-pae, whose set_pte()
 * is set_pte__pae in models/x86/pae.c).
 */
void set_ptes__generic(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte,
		       unsigned int nr)
{
	for (;;) {
		set_pte(ptep, pte);
		if (--nr == 0)
			break;
		ptep++;
		pte = pte_advance_pfn(pte, 1);
	}
}

/* x86-64 native_ptep_get_and_clear(): one 64-bit xchg. `arch = x86`. */
pte_t ptep_get_and_clear__generic(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	return xchg(ptep, 0);
}
