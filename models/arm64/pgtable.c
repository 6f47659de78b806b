// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: arm64 raw PTE accessors and the public contpte-aware PTE API.
 *
 * Follows arch/arm64/include/asm/pgtable.h (linux-mm tree, 0075c5f7…, with
 * the 2024 torvalds/linux shape where they differ). Written in our own words;
 * control flow (loops, cmpxchg retry loops, order of calls) is kept.
 *
 * Dialect conventions used in every models/** file (docs/models.md §0):
 *  - a pte_t / pmd_t / pgprot_t is its 64-bit value; pte_val()/__pte() are identity;
 *  - `pte_t *ptep` points at a 64-bit descriptor cell, `ptep + i` is entry i;
 *    PTE tables are PAGE_SIZE aligned so pointer alignment arithmetic works;
 *  - a VMA is identified with its mm: where the kernel writes vma->vm_mm we
 *    pass the same opaque handle (one VMA per test);
 *  - pure descriptor helpers (pte_dirty, pte_mkclean, pte_pgprot, pfn_pte, …)
 *    and CONT_PTES come from the machine (src/machine/arm64/pte.ts);
 *  - NAME__VARIANT is one variant of kernel function NAME, or of a helper holding the
 *    lines where versions differ; the config binds NAME to one (docs/models.md §0.1, §3).
 */

/* Descriptor bits used by model code (pgtable-hwdef.h / pgtable-prot.h). */
#define PTE_RDONLY      (1 << 7)
#define PTE_AF          (1 << 10)
#define PTE_WRITE       (1 << 51)
#define PTE_DIRTY       (1 << 55)

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1 << PAGE_SHIFT)
#define CONT_PTE_SIZE   (CONT_PTES * PAGE_SIZE)
#define CONT_PTE_MASK   (~(CONT_PTE_SIZE - 1))
#define PMD_SHIFT       21
#define PMD_SIZE        (1 << PMD_SHIFT)
#define PMD_MASK        (~(PMD_SIZE - 1))

/* clear_young_dirty_ptes() flags (include/linux/mm_types.h cydp_t) */
#define CYDP_CLEAR_YOUNG 1
#define CYDP_CLEAR_DIRTY 2

/* ---------------------------------------------------------------------------
 * Raw single-entry operations (the "__" API).
 * ------------------------------------------------------------------------- */

/* arch/arm64/include/asm/pgtable.h: __ptep_get() — one single-copy-atomic load. */
static inline pte_t __ptep_get(pte_t *ptep)
{
	return READ_ONCE(*ptep);
}

/*
 * arch/arm64/include/asm/pgtable.h: __set_pte() = __set_pte_nosync() + __set_pte_complete().
 * Simplified: the DSB/ISB that __set_pte_complete() issues for valid *kernel*
 * mappings is omitted (user mappings only are modelled).
 */
static inline void __set_pte(pte_t *ptep, pte_t pte)
{
	WRITE_ONCE(*ptep, pte);
}

/*
 * arch/arm64/include/asm/pgtable.h: __set_ptes() (newest: __set_ptes_anysz with
 * stride PAGE_SIZE). One plain store per entry, pfn advanced each time.
 * Simplified: __sync_cache_and_tags() and the DEBUG_VM __check_safe_pte_update()
 * are omitted (the machine's checks replace the latter).
 */
static inline void __set_ptes(struct mm_struct *mm, unsigned long addr,
			      pte_t *ptep, pte_t pte, unsigned int nr)
{
	for (;;) {
		__set_pte(ptep, pte);
		if (--nr == 0)
			break;
		ptep++;
		pte = pte_advance_pfn(pte, 1);
	}
}

/* arch/arm64/include/asm/pgtable.h: __pte_clear() */
static inline void __pte_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	__set_pte(ptep, 0);
}

/*
 * arch/arm64/include/asm/pgtable.h: __ptep_get_and_clear() → __ptep_get_and_clear_anysz().
 * Atomic exchange with 0 so a racing hardware A/D update is never lost.
 * page_table_check_pte_clear() omitted.
 */
static inline pte_t __ptep_get_and_clear(struct mm_struct *mm, unsigned long addr,
					 pte_t *ptep)
{
	return xchg_relaxed(ptep, 0);
}

/* arch/arm64/include/asm/pgtable.h: __get_and_clear_full_ptes() — xchg each entry, OR A/D. */
static inline pte_t __get_and_clear_full_ptes(struct mm_struct *mm, unsigned long addr,
					      pte_t *ptep, unsigned int nr, int full)
{
	pte_t pte, tmp_pte;

	pte = __ptep_get_and_clear(mm, addr, ptep);
	while (--nr) {
		ptep++;
		addr += PAGE_SIZE;
		tmp_pte = __ptep_get_and_clear(mm, addr, ptep);
		if (pte_dirty(tmp_pte))
			pte = pte_mkdirty(pte);
		if (pte_young(tmp_pte))
			pte = pte_mkyoung(pte);
	}
	return pte;
}

/*
 * arch/arm64/include/asm/pgtable.h: __ptep_test_and_clear_young().
 * cmpxchg loop clearing AF; returns whether the entry was young.
 */
static inline int __ptep_test_and_clear_young(struct mm_struct *vma, unsigned long address,
					      pte_t *ptep)
{
	pte_t old_pte, pte;

	pte = __ptep_get(ptep);
	do {
		old_pte = pte;
		pte = pte_mkold(pte);
		pte = cmpxchg_relaxed(ptep, old_pte, pte);
	} while (pte != old_pte);

	return pte_young(pte);
}

/*
 * arch/arm64/include/asm/pgtable.h: ___ptep_set_wrprotect().
 * cmpxchg loop; pte_wrprotect() first moves hardware-dirty into PTE_DIRTY.
 */
static inline void ___ptep_set_wrprotect(struct mm_struct *mm, unsigned long address,
					 pte_t *ptep, pte_t pte)
{
	pte_t old_pte;

	do {
		old_pte = pte;
		pte = pte_wrprotect(pte);
		pte = cmpxchg_relaxed(ptep, old_pte, pte);
	} while (pte != old_pte);
}

/* arch/arm64/include/asm/pgtable.h: __ptep_set_wrprotect() */
static inline void __ptep_set_wrprotect(struct mm_struct *mm, unsigned long address,
					pte_t *ptep)
{
	___ptep_set_wrprotect(mm, address, ptep, __ptep_get(ptep));
}

/* arch/arm64/include/asm/pgtable.h: __wrprotect_ptes() */
static inline void __wrprotect_ptes(struct mm_struct *mm, unsigned long address,
				    pte_t *ptep, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++, address += PAGE_SIZE, ptep++)
		__ptep_set_wrprotect(mm, address, ptep);
}

/* arch/arm64/include/asm/pgtable.h: __clear_young_dirty_pte() — cmpxchg loop. */
static inline void __clear_young_dirty_pte(struct mm_struct *vma, unsigned long addr,
					   pte_t *ptep, pte_t pte, int flags)
{
	pte_t old_pte;

	do {
		old_pte = pte;

		if (flags & CYDP_CLEAR_YOUNG)
			pte = pte_mkold(pte);
		if (flags & CYDP_CLEAR_DIRTY)
			pte = pte_mkclean(pte);

		pte = cmpxchg_relaxed(ptep, old_pte, pte);
	} while (pte != old_pte);
}

/*
 * arch/arm64/include/asm/pgtable.h: __clear_young_dirty_ptes().
 * Note the kernel's plain __set_pte() when clearing both flags: a hardware
 * update between the load and the store is overwritten (MADV_FREE accepts it).
 */
static inline void __clear_young_dirty_ptes(struct mm_struct *vma, unsigned long addr,
					    pte_t *ptep, unsigned int nr, int flags)
{
	pte_t pte;

	for (;;) {
		pte = __ptep_get(ptep);

		if (flags == (CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY))
			__set_pte(ptep, pte_mkclean(pte_mkold(pte)));
		else
			__clear_young_dirty_pte(vma, addr, ptep, pte, flags);

		if (--nr == 0)
			break;
		ptep++;
		addr += PAGE_SIZE;
	}
}

/* ---------------------------------------------------------------------------
 * contpte filters (static inline in asm/pgtable.h, bodies in contpte.c)
 * ------------------------------------------------------------------------- */

/*
 * arch/arm64/include/asm/pgtable.h: contpte_try_fold(). Cheap filter: only the
 * last page of an aligned block, with the last pfn of an aligned group, valid,
 * not cont, not special.
 */
static inline void contpte_try_fold(struct mm_struct *mm, unsigned long addr,
				    pte_t *ptep, pte_t pte)
{
	unsigned long contmask = CONT_PTES - 1;
	int valign = ((addr >> PAGE_SHIFT) & contmask) == contmask;

	if (valign) {
		int palign = (pte_pfn(pte) & contmask) == contmask;

		if (palign && pte_valid(pte) && !pte_cont(pte) && !pte_special(pte))
			__contpte_try_fold(mm, addr, ptep, pte);
	}
}

/* arch/arm64/include/asm/pgtable.h: contpte_try_unfold() */
static inline void contpte_try_unfold(struct mm_struct *mm, unsigned long addr,
				      pte_t *ptep, pte_t pte)
{
	if (pte_valid_cont(pte))
		__contpte_try_unfold(mm, addr, ptep, pte);
}

/* ---------------------------------------------------------------------------
 * Public API (CONFIG_ARM64_CONTPTE=y). All except ptep_get_lockless() are
 * called with the PTL held.
 * ------------------------------------------------------------------------- */

/*
 * arch/arm64/include/asm/pgtable.h: ptep_get(). The gather it calls is
 * contpte_ptep_get, bound by `ptep_get = arm64-2024 | arm64-early-exit`.
 */
static inline pte_t ptep_get__arm64(pte_t *ptep)
{
	pte_t pte = __ptep_get(ptep);

	if (!pte_valid_cont(pte))
		return pte;

	return contpte_ptep_get(ptep, pte);
}

/*
 * arch/arm64/include/asm/pgtable.h: ptep_get_lockless() (variants
 * arm64-2024 / arm64-early-exit select contpte_ptep_get_lockless).
 */
static inline pte_t ptep_get_lockless__arm64(pte_t *ptep)
{
	pte_t pte = __ptep_get(ptep);

	if (!pte_valid_cont(pte))
		return pte;

	return contpte_ptep_get_lockless(ptep);
}

/*
 * "Could it be this easy?" (Ryan Roberts, linux-mm, 9 Apr 2024; never merged):
 * ptep_get_lockless() is simply ptep_get(), i.e. the gather without any
 * consistency check. Variant `ptep_get_lockless = ptep-get` (race R3/R11).
 */
static inline pte_t ptep_get_lockless__ptep_get(pte_t *ptep)
{
	return ptep_get(ptep);
}

/*
 * RFC "mm: Introduce ptep_get_lockless_norecency()" patch 4 (arm64 override,
 * never merged) and David Hildenbrand's ptep_get_gup_fast() proposal
 * (15 Apr 2024): one __ptep_get() of the target, A/D of that entry only.
 * Variant `ptep_get_lockless = single-load` (race R12).
 */
static inline pte_t ptep_get_lockless_norecency__arm64(pte_t *ptep)
{
	return __ptep_get(ptep);
}

static inline pte_t ptep_get_lockless__single_load(pte_t *ptep)
{
	return ptep_get_lockless_norecency__arm64(ptep);
}

/* arch/arm64/include/asm/pgtable.h: set_pte() — warns on a cont target, never unfolds. */
static inline void set_pte__arm64(pte_t *ptep, pte_t pte)
{
	pte_t orig_pte = __ptep_get(ptep);

	WARN_ON_ONCE(pte_valid_cont(orig_pte));
	__set_pte(ptep, pte_mknoncont(pte));
}

/*
 * arch/arm64/include/asm/pgtable.h: set_ptes(). nr == 1: unfold the target's
 * block if cont, store, then maybe fold. nr > 1: contpte_set_ptes() (targets
 * are guaranteed not present).
 */
static inline void set_ptes__arm64(struct mm_struct *mm, unsigned long addr,
			    pte_t *ptep, pte_t pte, unsigned int nr)
{
	pte = pte_mknoncont(pte);

	if (nr == 1) {
		contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));
		__set_ptes(mm, addr, ptep, pte, 1);
		contpte_try_fold(mm, addr, ptep, pte);
	} else {
		contpte_set_ptes(mm, addr, ptep, pte, nr);
	}
}

/* include/linux/pgtable.h: set_pte_at() = set_ptes(mm, addr, ptep, pte, 1). */
static inline void set_pte_at(struct mm_struct *mm, unsigned long addr,
			      pte_t *ptep, pte_t pte)
{
	set_ptes(mm, addr, ptep, pte, 1);
}

/* arch/arm64/include/asm/pgtable.h: pte_clear() */
static inline void pte_clear__arm64(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));
	__pte_clear(mm, addr, ptep);
}

/* arch/arm64/include/asm/pgtable.h: ptep_get_and_clear() — full BBM unfold, then xchg. */
static inline pte_t ptep_get_and_clear__arm64(struct mm_struct *mm, unsigned long addr,
				       pte_t *ptep)
{
	contpte_try_unfold(mm, addr, ptep, __ptep_get(ptep));
	return __ptep_get_and_clear(mm, addr, ptep);
}

/*
 * include/linux/pgtable.h: ptep_get_and_clear_full(). Simplified: `full` is
 * ignored (arm64 get_and_clear_full_ptes(nr = 1) is the same as ptep_get_and_clear).
 */
static inline pte_t ptep_get_and_clear_full(struct mm_struct *mm, unsigned long addr,
					    pte_t *ptep, int full)
{
	return ptep_get_and_clear(mm, addr, ptep);
}

/*
 * arch/arm64/include/asm/pgtable.h: wrprotect_ptes(). nr == 1 unfolds a cont
 * target (BBM) and then write-protects it; nr > 1 (fork) goes to
 * contpte_wrprotect_ptes(), which write-protects whole blocks in place (R14).
 */
static inline void wrprotect_ptes(struct mm_struct *mm, unsigned long addr,
				  pte_t *ptep, unsigned int nr)
{
	if (nr == 1) {
		pte_t orig_pte = __ptep_get(ptep);

		if (pte_cont(orig_pte)) {
			__contpte_try_unfold(mm, addr, ptep, orig_pte);
			orig_pte = pte_mknoncont(orig_pte);
		}
		___ptep_set_wrprotect(mm, addr, ptep, orig_pte);
	} else {
		contpte_wrprotect_ptes(mm, addr, ptep, nr);
	}
}

/* arch/arm64/include/asm/pgtable.h: ptep_set_wrprotect() */
static inline void ptep_set_wrprotect(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	wrprotect_ptes(mm, addr, ptep, 1);
}

/*
 * arch/arm64/include/asm/pgtable.h: ptep_test_and_clear_young().
 * torvalds v6.10-era shape: cont → contpte_ptep_test_and_clear_young()
 * (newest: contpte_test_and_clear_young_ptes(vma, addr, ptep, 1), same effect for nr = 1).
 */
static inline int ptep_test_and_clear_young(struct mm_struct *vma, unsigned long addr,
					    pte_t *ptep)
{
	pte_t orig_pte = __ptep_get(ptep);

	if (!pte_valid_cont(orig_pte))
		return __ptep_test_and_clear_young(vma, addr, ptep);

	return contpte_ptep_test_and_clear_young(vma, addr, ptep);
}

/* arch/arm64/include/asm/pgtable.h: clear_young_dirty_ptes() */
static inline void clear_young_dirty_ptes(struct mm_struct *vma, unsigned long addr,
					  pte_t *ptep, unsigned int nr, int flags)
{
	if (nr == 1 && !pte_cont(__ptep_get(ptep)))
		__clear_young_dirty_ptes(vma, addr, ptep, nr, flags);
	else
		contpte_clear_young_dirty_ptes(vma, addr, ptep, nr, flags);
}

/*
 * arch/arm64/include/asm/pgtable.h: ptep_set_access_flags() — the arm64 entry.
 * Variant `ptep_set_access_flags = arm64` binds ptep_set_access_flags here.
 */
static inline int ptep_set_access_flags__arm64(struct mm_struct *vma, unsigned long addr,
					       pte_t *ptep, pte_t entry, int dirty)
{
	pte_t orig_pte = __ptep_get(ptep);

	entry = pte_mknoncont(entry);

	if (!pte_valid_cont(orig_pte))
		return __ptep_set_access_flags(vma, addr, ptep, entry, dirty);

	return contpte_ptep_set_access_flags(vma, addr, ptep, entry, dirty);
}

/*
 * arch/arm64/mm/mmu.c: ptep_modify_prot_start() / ptep_modify_prot_commit().
 * Simplified: the ARM64_WORKAROUND_2645198 ptep_clear_flush() branch is omitted.
 */
static inline pte_t ptep_modify_prot_start(struct mm_struct *vma, unsigned long addr,
					   pte_t *ptep)
{
	return ptep_get_and_clear(vma, addr, ptep);
}

static inline void ptep_modify_prot_commit(struct mm_struct *vma, unsigned long addr,
					   pte_t *ptep, pte_t old_pte, pte_t pte)
{
	set_pte_at(vma, addr, ptep, pte);
}

/* arch/arm64/include/asm/pgtable.h: update_mmu_cache_range()/update_mmu_tlb(): no-ops on arm64. */
static inline void update_mmu_cache_range(struct mm_struct *vma, unsigned long addr, pte_t *ptep,
					  unsigned int nr)
{
}

static inline void update_mmu_tlb(struct mm_struct *vma, unsigned long addr, pte_t *ptep)
{
}
