// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptelab model C: a KVM-style secondary MMU implementing David Hildenbrand's
 * hypothetical scheme (reply to Sean Christopherson's "KVM: x86/mmu: Rework
 * marking folios dirty/accessed" RFC, Mar 2024; domain §7):
 *   - map a page writable in the secondary MMU only if the primary PTE that
 *     GUP-fast validated is dirty (else map read-only);
 *   - when core-mm makes the primary PTE lose write or dirty (zap, mprotect,
 *     write-protect, clean), the MMU notifier write-protects/zaps the SPTE.
 * Not kernel code: KVM never adopted this (unconfirmed). The notifier and
 * fault-retry protocol follows virt/kvm/kvm_main.c
 * (kvm_mmu_notifier_invalidate_range_start/_end, mmu_invalidate_retry) in
 * shape, reduced to one SPTE per host virtual address.
 *
 * KVM state lives in machine cells reached through pointer intrinsics:
 * kvm_mmu_lockptr(kvm) (spinlock), kvm_invalidate_seq_ptr(kvm),
 * kvm_invalidate_in_progress_ptr(kvm). SPTEs are machine state
 * (spte_set / spte_zap_range / spte_wrprotect_range); the `spte-clean-writable`
 * check reads them.
 */

/*
 * virt/kvm/kvm_main.c: kvm_mmu_notifier_invalidate_range_start(): under
 * mmu_lock, count an invalidation in progress and zap the SPTEs in range.
 * Simplified: zap for every event (the scheme only needs wrprotect when the
 * PTE loses dirty/write; zapping is stronger and equally safe).
 */
static void kvm_mmu_notifier_invalidate_range_start(struct kvm *kvm, unsigned long start,
						    unsigned long end)
{
	long *in_progress = kvm_invalidate_in_progress_ptr(kvm);

	spin_lock(kvm_mmu_lockptr(kvm));
	WRITE_ONCE(*in_progress, READ_ONCE(*in_progress) + 1);
	spte_zap_range(kvm, start, end);
	spin_unlock(kvm_mmu_lockptr(kvm));
}

/* virt/kvm/kvm_main.c: kvm_mmu_notifier_invalidate_range_end(): seq++, in_progress--. */
static void kvm_mmu_notifier_invalidate_range_end(struct kvm *kvm, unsigned long start,
						  unsigned long end)
{
	long *seq = kvm_invalidate_seq_ptr(kvm);
	long *in_progress = kvm_invalidate_in_progress_ptr(kvm);

	spin_lock(kvm_mmu_lockptr(kvm));
	WRITE_ONCE(*seq, READ_ONCE(*seq) + 1);
	WRITE_ONCE(*in_progress, READ_ONCE(*in_progress) - 1);
	spin_unlock(kvm_mmu_lockptr(kvm));
}

/*
 * include/linux/mmu_notifier.h: mmu_notifier_invalidate_range_start()/_end(),
 * reduced to "the one registered secondary MMU of this mm, if any"
 * (mm_kvm(mm) is NULL when the test declares no KVM).
 */
void mmu_notifier_invalidate_range_start(struct mm_struct *mm, unsigned long start,
					 unsigned long end)
{
	struct kvm *kvm = mm_kvm(mm);

	if (kvm)
		kvm_mmu_notifier_invalidate_range_start(kvm, start, end);
}

void mmu_notifier_invalidate_range_end(struct mm_struct *mm, unsigned long start,
				       unsigned long end)
{
	struct kvm *kvm = mm_kvm(mm);

	if (kvm)
		kvm_mmu_notifier_invalidate_range_end(kvm, start, end);
}

/*
 * include/linux/kvm_host.h: mmu_invalidate_retry_gfn(), `kvm_retry = seq`
 * (real KVM): retry if an invalidation covering hva is in progress or if any
 * invalidation completed since mmu_seq was sampled. Called with mmu_lock held.
 * Simplified: in_progress is not range-tracked (any in-progress invalidation retries).
 */
static int mmu_invalidate_retry__seq(struct kvm *kvm, long mmu_seq, unsigned long hva)
{
	if (READ_ONCE(*kvm_invalidate_in_progress_ptr(kvm)))
		return 1;
	if (READ_ONCE(*kvm_invalidate_seq_ptr(kvm)) != mmu_seq)
		return 1;
	return 0;
}

/*
 * `kvm_retry = none`: the scheme as literally stated in domain §7 ("racing
 * modifications are fine as long as notifiers report when the PTE loses its
 * dirty bit") — no sequence check, only the per-range notifier zaps. This is
 * what lets R4's ABA false-positive dirty escape.
 */
static int mmu_invalidate_retry__none(struct kvm *kvm, long mmu_seq, unsigned long hva)
{
	return 0;
}

/*
 * arch/x86/kvm/mmu/mmu.c kvm_faultin_pfn() → virt/kvm/kvm_main.c
 * hva_to_pfn_fast(), then the locked install, in the hypothetical scheme:
 *   sample mmu_seq; smp_rmb(); GUP-fast with FOLL_WRITE (reporting the PTE);
 *   writable = pte_dirty(pte); take mmu_lock; if mmu_invalidate_retry → drop
 *   the page and return -EAGAIN; else install the SPTE (writable iff dirty).
 * Returns 0 on success, -EAGAIN (-11) to retry, -EFAULT (-14) when GUP-fast
 * failed (real KVM falls back to slow GUP, which would fault the PTE dirty:
 * not modelled).
 */
int kvm_secondary_map_page(struct kvm *kvm, struct mm_struct *mm, unsigned long hva)
{
	long mmu_seq;
	struct page *page;
	pte_t pte = 0;
	int writable;

	mmu_seq = READ_ONCE(*kvm_invalidate_seq_ptr(kvm));
	smp_rmb();

	page = get_user_page_fast_only_pte(mm, hva, FOLL_WRITE, &pte);
	if (!page)
		return -14;

	writable = pte_dirty(pte);

	spin_lock(kvm_mmu_lockptr(kvm));
	if (mmu_invalidate_retry(kvm, mmu_seq, hva)) {
		spin_unlock(kvm_mmu_lockptr(kvm));
		put_page(page);
		return -11;
	}
	spte_set(kvm, hva, page, writable);
	spin_unlock(kvm_mmu_lockptr(kvm));

	/* KVM drops the GUP reference once the SPTE is installed (MMU-notifier protected) */
	put_page(page);
	return 0;
}

/* A guest write through the secondary MMU: lands only if the SPTE is writable. */
int guest_write(struct kvm *kvm, unsigned long hva)
{
	return spte_write(kvm, hva);
}
