// ptelab's own small cat library: the prelude herd evaluates before every model (its stdlib), and the
// herd library files the kernel's lock.cat includes (cross.cat, cos-opt.cat). These are written for
// ptelab from the documented meaning of herd's files; `cross`, `linearisations` and `classes-loc` are
// built-in functions of the interpreter (interp.ts).

export const PRELUDE = `"ptelab prelude"
let emptyset = domain(0)
let partition = classes-loc
let po-loc = po & loc
let rfe = rf & ext
let rfi = rf & int
let coe = co & ext
let coi = co & int
let fr = (rf^-1 ; co) \\ id
let fre = fr & ext
let fri = fr & int
(* initial writes first, final writes last, per location *)
let co0 = loc & ((IW * (W \\ IW)) | ((W \\ FW) * FW))
let toid(s) = [s]
(* from an event to every event after a fence in S *)
let fencerel(S) = (po & (_ * S)) ; po
`;

const CROSS = `"cross (ptelab)"
(* All coherence orders that extend a partial order: for each location, one linear extension. *)
let generate_orders(s, pco) = cross(map (fun ws -> linearisations(ws, pco)) (partition(s)))
let generate_cos(pco) = generate_orders(W, pco)
`;

const COS_OPT = `"co generation (ptelab)" withoutco
(* Coherence orders compatible with what the test observes. *)
let invrf = rf^-1
let obsco =
  let ww = po-loc & (W * W)
  and rw = rf ; (po-loc & (R * W))
  and wr = ((po-loc & (W * R)) ; invrf) \\ id
  and rr = (rf ; (po-loc & (R * R)) ; invrf) \\ id in
  ww | rw | wr | rr
(* an RMW's write is co-after the write its read reads from *)
let rmwco = rf & (W * (R & W))
let cobase = obsco | rmwco | co0
acyclic cobase as ConsCo
include "cross.cat"
with co from generate_cos(cobase)
let coi = co & int
let coe = co \\ coi
let fr = (invrf ; co) \\ id
let fri = fr & int
let fre = fr \\ fri
`;

/** Files found by `include` when neither the including file's directory nor the search path has them. */
export const LIBDIR: Readonly<Record<string, string>> = {
  'cross.cat': CROSS,
  'cos-opt.cat': COS_OPT,
};
