// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: mmu_gather — deferred TLB flush, page freeing and page-table
 * freeing. Follows mm/mmu_gather.c (linux-mm tree, 0796b489…) and
 * include/asm-generic/tlb.h. Our own wording.
 *
 * The gather's bookkeeping (range, page batch, table batch) is per-process
 * machine state behind the opaque `struct mmu_gather *` handle (intrinsics
 * tlb_gather_mmu, __tlb_adjust_range, tlb_range_*, __tlb_remove_folio_pages,
 * tlb_batch_pages_flush, tlb_table_batch_*; docs/models.md §2). The control
 * flow that matters for races — flush the TLB, then free pages, tables after
 * RCU or IPI — is here in model C.
 */

/* include/asm-generic/tlb.h: tlb_remove_tlb_entry() → tlb_flush_pte_range(). */
static inline void tlb_remove_tlb_entry(struct mmu_gather *tlb, pte_t *ptep, unsigned long address)
{
	__tlb_adjust_range(tlb, address, PAGE_SIZE);
}

/* include/asm-generic/tlb.h: tlb_flush_pte_range() */
static inline void tlb_flush_pte_range(struct mmu_gather *tlb, unsigned long address,
				       unsigned long size)
{
	__tlb_adjust_range(tlb, address, size);
}

/* include/asm-generic/tlb.h: tlb_flush_pmd_range() (also sets freed_tables; folded here) */
static inline void tlb_flush_pmd_range(struct mmu_gather *tlb, unsigned long address,
				       unsigned long size)
{
	__tlb_adjust_range(tlb, address, size);
}

/*
 * include/asm-generic/tlb.h: tlb_flush_mmu_tlbonly(): flush the gathered range
 * (arm64 tlb_flush() → __flush_tlb_range(); x86 → flush_tlb_mm_range(), an IPI
 * or paravirt flush per `tlb_flush`), then reset the range.
 */
static inline void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	if (tlb_range_end(tlb) == 0)
		return;

	flush_tlb_range(tlb_mm(tlb), tlb_range_start(tlb), tlb_range_end(tlb));
	__tlb_reset_range(tlb);
}

/*
 * mm/mmu_gather.c: tlb_remove_table_sync_one(): smp_call_function() of an
 * empty function to every other CPU, waiting for each. Not an RCU grace
 * period, but enough for walkers that rely on IRQs being disabled.
 */
void tlb_remove_table_sync_one(void)
{
	smp_call_function_wait_all();
}

/*
 * mm/mmu_gather.c: tlb_remove_table_one(), the fallback when no batch page can
 * be had, in its two historical forms (tlb_remove_table__ipi_sync and
 * __synchronize_rcu below call them). Kept as two
 * functions: each is two lines and differs in one, so a helper would add a
 * function without removing a line.
 */

/* older kernels (≈v5.x–v6.x): IPI sync, then free at once (`table_free = ipi-sync`) */
static void tlb_remove_table_one__sync_one(pgtable_t table)
{
	tlb_remove_table_sync_one();
	__tlb_remove_table(table);
}

/* newest linux-mm, !CONFIG_PT_RECLAIM: synchronize_rcu(), then free (`table_free = synchronize-rcu`) */
static void tlb_remove_table_one__synchronize_rcu(pgtable_t table)
{
	synchronize_rcu();
	__tlb_remove_table(table);
}

/*
 * mm/mmu_gather.c: tlb_remove_table_free(): how tlb_table_flush() frees the
 * batch, bound by `table_free`. MMU_GATHER_RCU_TABLE_FREE: call_rcu(), freed
 * after a grace period; IRQs-off walkers hold off the grace period.
 */
static void tlb_remove_table_free__rcu(struct mmu_gather *tlb)
{
	tlb_table_batch_call_rcu(tlb);
}

/*
 * ptelab device for !MMU_GATHER_RCU_TABLE_FREE (`table_free = immediate`),
 * where the kernel puts tables in the page batch: they are freed right after
 * the TLB flush.
 */
static void tlb_remove_table_free__immediate(struct mmu_gather *tlb)
{
	tlb_table_batch_free_now(tlb);
}

/*
 * mm/mmu_gather.c: tlb_table_flush(): free the batch of detached tables with
 * tlb_remove_table_free() (bound, above). tlb_table_invalidate() is a no-op on
 * arm64 and x86 (tlb_needs_table_invalidate() false) and omitted.
 */
static void tlb_table_flush(struct mmu_gather *tlb)
{
	if (tlb_table_batch_count(tlb))
		tlb_remove_table_free(tlb);
}

/*
 * mm/mmu_gather.c: tlb_remove_table(), one variant per `table_free`. Kept as
 * four functions although the kernel writes one (queue in the batch, or
 * tlb_remove_table_one() when the GFP_NOWAIT batch page cannot be had): with a
 * constant test of that allocation the lowered code would keep the unused
 * path's calls, and the calls a process can make decide the machine's agents
 * (IPI, RCU) and the reduction's footprints.
 *
 * MMU_GATHER_RCU_TABLE_FREE and a successful batch allocation (`table_free =
 * rcu`): queue; freed after a grace period from tlb_finish_mmu(). IRQs-off
 * walkers hold off the grace period.
 */
void tlb_remove_table__rcu(struct mmu_gather *tlb, pgtable_t table)
{
	tlb_table_batch_add(tlb, table);
}

/*
 * mm/mmu_gather.c: tlb_remove_table() when the GFP_NOWAIT batch page cannot be
 * allocated (`table_free = ipi-sync`, older kernels): tlb_remove_table_one()
 * = IPI sync + immediate free (R7, R8).
 */
void tlb_remove_table__ipi_sync(struct mmu_gather *tlb, pgtable_t table)
{
	tlb_remove_table_one__sync_one(table);
}

/* same fallback in the newest tree (`table_free = synchronize-rcu`) */
void tlb_remove_table__synchronize_rcu(struct mmu_gather *tlb, pgtable_t table)
{
	tlb_remove_table_one__synchronize_rcu(table);
}

/*
 * !MMU_GATHER_RCU_TABLE_FREE (`table_free = immediate`; x86 bare metal before
 * commit a37259732a7d, 2025): the table joins the page batch and is freed in
 * tlb_finish_mmu() *after* the TLB flush. Safe only if that flush is an IPI
 * the IRQs-off walker blocks (`tlb_flush = ipi`); with broadcast/paravirt
 * flushes GUP-fast can walk a freed table (R7).
 */
void tlb_remove_table__immediate(struct mmu_gather *tlb, pgtable_t table)
{
	tlb_table_batch_add(tlb, table);
}

/*
 * mm/mmu_gather.c: tlb_flush_mmu() = tlb_flush_mmu_tlbonly() then
 * tlb_flush_mmu_free() (tables, then pages): the TLB flush always precedes
 * freeing anything the TLB could still reach.
 */
void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu_tlbonly(tlb);
	tlb_table_flush(tlb);
	tlb_batch_pages_flush(tlb);
}

/*
 * mm/mmu_gather.c: tlb_finish_mmu(). Simplified: mm_tlb_flush_nested() forcing
 * a full flush is not modelled; dec_tlb_flush_pending() is inside the
 * intrinsic tlb_gather_mmu_done().
 */
void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
	tlb_gather_mmu_done(tlb);
}

/*
 * mm/pgtable-generic.c: pte_free_defer() (khugepaged retract/collapse):
 * free a detached PTE table after an RCU grace period. With
 * `table_free = immediate` the model frees it at once (what a kernel without
 * RCU table freeing would risk).
 */
void pte_free_defer__rcu(struct mm_struct *mm, pgtable_t table)
{
	call_rcu_table_free(table);
}

void pte_free_defer__immediate(struct mm_struct *mm, pgtable_t table)
{
	__tlb_remove_table(table);
}
