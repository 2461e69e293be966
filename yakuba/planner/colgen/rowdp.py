"""The exact row DP of column generation's pricing (:class:`RowDP`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..index import OFF, Index
from .common import NEG_INF, FloatArray, Row

#: Largest DP size (days × states × activities) for which :class:`RowDP` counts worked
#: weekends and hours exactly in its state; beyond it they are priced (Lagrange).
STATE_BUDGET = 500_000


class RowDP:
    """Exact longest path over one person's days for per-(day, activity) values.

    State: working today on activity ``a`` with a run of ``k`` days, or off for ``k``
    days, each with a flag "the run started on day 0" (edge runs are exempt from the
    minimums); and, where affordable (:data:`STATE_BUDGET`), the number of weekends
    worked so far and the hours worked so far (in units of the shift lengths' common
    divisor), both capped at their limits. Successions, run and rest lengths and fixed
    days off are always exact; the weekend limit and the hours window are exact when
    counted (``exact_weekends``, ``exact_hours``), else the caller prices them (a worked
    weekend costs ``mu`` once: the state knows whether Saturday was worked). Per-activity
    limits are always priced by the caller.
    """

    def __init__(
        self, ix: Index, e: int, budget: int = STATE_BUDGET, *, priced_totals: bool = False
    ) -> None:
        st = ix.problem.staff[e]
        h, n = ix.horizon, len(ix.act_ids)
        self.h, self.n = h, n
        k_max = st.max_consecutive if st.max_consecutive and st.max_consecutive < h else None
        self.m_on = max(1, st.min_consecutive)
        self.r = max(1, st.min_consecutive_off)
        #: Run-length states; without a maximum the count saturates at the minimum.
        self.kc = k_max if k_max is not None else self.m_on
        self.nxt: list[int | None] = [
            i + 1 if i + 1 < self.kc else (None if k_max is not None else self.kc - 1)
            for i in range(self.kc)
        ]
        self.compat = np.zeros((n, n))
        for a, act in enumerate(ix.problem.activities):
            for b in act.forbidden_next:
                self.compat[a, ix.act_pos[b]] = NEG_INF
        edge = np.array([False, True])
        self.can_end = (np.arange(1, self.kc + 1)[:, None] >= self.m_on) | edge[None, :]
        self.can_start = (np.arange(1, self.r + 1)[:, None] >= self.r) | edge[None, :]
        self.first_wk = np.zeros(h, dtype=bool)
        self.any_wk = np.zeros(h, dtype=bool)
        for days in ix.weekends:
            self.first_wk[days[0]] = True
            self.any_wk[days] = True
        wmax = st.max_weekends
        #: Whether the weekend limit binds at all (else weekends are free).
        self.weekends_bind = wmax is not None and wmax < len(ix.weekends)
        # Hours in units of the common divisor of the working shift lengths.
        lengths = [ix.minutes[a] for a in range(n) if ix.working[a]] or [480]
        unit = math.gcd(*lengths)
        hi_min = st.max_minutes if st.max_minutes is not None else h * max(lengths)
        hc = hi_min // unit + 1
        wc = (wmax or 0) + 1 if self.weekends_bind else 1
        per = self.kc * 2 * n * n
        self.exact_hours = h * hc * wc * per <= budget
        self.exact_weekends = (
            self.weekends_bind and h * wc * (hc if self.exact_hours else 1) * per <= budget
        )
        if not self.exact_weekends and self.exact_hours is False:
            self.exact_hours = h * hc * per <= budget
        if priced_totals:
            # The caller prices hours and weekends whatever the limits (the block master
            # of :mod:`.blocks` holds them): a worked weekend costs ``mu``, hours are free.
            self.weekends_bind = bool(ix.weekends)
            self.exact_hours = self.exact_weekends = False
        self.wc = wc if self.exact_weekends else 1
        self.hc = hc if self.exact_hours else 1
        self.lo_units = -(-st.min_minutes // unit) if self.exact_hours else 0
        #: Hours units of each activity (0 when hours are not counted).
        self.units = [
            ix.minutes[a] // unit if self.exact_hours and ix.working[a] else 0 for a in range(n)
        ]
        self.n_work = self.wc * self.hc * n * self.kc * 2

    def _shift(
        self, x: NDArray[Any], weekend: bool, units: list[int] | None, fill: float, lead: int = 0
    ) -> NDArray[Any]:
        """Move states up the weekend axis (0) by one when ``weekend`` and up the hours
        axis (1) by ``units[b]`` for each activity ``b`` on the last axis; what falls
        off the top (over a limit) is dropped. ``lead``: leading axes before them (the
        batch axis of :meth:`best_batch`)."""
        keep = (slice(None),) * lead
        if weekend and self.exact_weekends:
            y = np.full_like(x, fill)
            y[(*keep, slice(1, None))] = x[(*keep, slice(None, -1))]
            x = y
        if units is not None and self.exact_hours:
            y = np.full_like(x, fill)
            for u in set(units):
                sel = [b for b, ub in enumerate(units) if ub == u]
                if u == 0:
                    y[..., sel] = x[..., sel]
                elif u < self.hc:
                    into: tuple[Any, ...] = (*keep, slice(None), slice(u, None), Ellipsis, sel)
                    held: tuple[Any, ...] = (*keep, slice(None), slice(0, self.hc - u), ..., sel)
                    y[into] = x[held]
            x = y
        return x

    def best(self, v: FloatArray, mu: float) -> tuple[float, Row] | None:
        """Best row for values ``v`` (h × activities, −inf = not possible) and weekend
        price ``mu`` (ignored when weekends are counted exactly): its value and the row,
        or None if no row meets the rules.

        Written for few numpy calls per day: per-day Python overhead, not arithmetic,
        is what a day costs on small state spaces.
        """
        h, n, kc, r, wc, hc = self.h, self.n, self.kc, self.r, self.wc, self.hc
        mu = 0.0 if self.exact_weekends or not self.weekends_bind else mu
        saturating = self.nxt[-1] is not None
        units = self.units
        n_w1 = n * kc * 2  # work states per (weekends, hours) count
        w = np.full((wc, hc, n, kc, 2), NEG_INF)
        o = np.full((wc, hc, r, 2), NEG_INF)
        o[0, 0, 0, 1] = 0.0
        w0 = np.full((wc, hc, n), NEG_INF)
        w0[0, 0] = v[0] - (mu if self.any_wk[0] else 0.0)
        w[:, :, :, 0, 1] = self._shift(w0, bool(self.any_wk[0]), units, NEG_INF)
        preds: list[NDArray[np.int64]] = []
        # Flat ids: work (weekends, hours, activity, k, edge), then off (weekends, hours,
        # k, edge).
        w_ids = np.arange(self.n_work).reshape(wc, hc, n_w1)
        o_ids = self.n_work + np.arange(wc * hc * r * 2).reshape(wc, hc, r, 2)
        kid = np.arange(kc)[:, None, None] * 2 + np.arange(2)[None, :, None]  # k, edge, 1
        cell = np.arange(wc * hc).reshape(wc, hc)[:, :, None, None, None] * n  # c, j
        can_end = self.can_end[None, None, None]
        can_start = self.can_start[None, None]
        cw, ch = np.meshgrid(np.arange(wc), np.arange(hc), indexing="ij")
        for d in range(1, h):
            vd = v[d]
            first = bool(self.first_wk[d])
            wk_day = bool(self.any_wk[d])
            # work -> work: the best activity of yesterday for each of today's.
            t = w[..., None] + self.compat[:, None, None, :]  # c, j, a, k, edge, b
            arg = t.argmax(axis=2)  # c, j, k, edge, b
            best = t.max(axis=2) + (vd - (mu if first else 0.0))
            ids = (cell + arg) * (kc * 2) + kid
            best = self._shift(best, first, units, NEG_INF)
            ids = self._shift(ids, first, units, -1)
            best = best.transpose(0, 1, 4, 2, 3)  # c, j, b, k, edge
            ids = ids.transpose(0, 1, 4, 2, 3)
            nw = np.full((wc, hc, n, kc, 2), NEG_INF)
            npw = np.full((wc, hc, n, kc, 2), -1, dtype=np.int64)
            if kc > 1:
                nw[..., 1:, :] = best[..., :-1, :]
                npw[..., 1:, :] = ids[..., :-1, :]
            if saturating:  # the last run length also follows itself
                better = best[..., -1, :] > nw[..., -1, :]
                nw[..., -1, :] = np.where(better, best[..., -1, :], nw[..., -1, :])
                npw[..., -1, :] = np.where(better, ids[..., -1, :], npw[..., -1, :])
            # off -> work: a new run (not touching day 0).
            oe = np.where(can_start, o, NEG_INF).reshape(wc, hc, r * 2)
            k = oe.argmax(axis=2)
            bo = oe[cw, ch, k][:, :, None] + (vd - (mu if wk_day else 0.0))  # c, j, b
            bid = np.repeat(o_ids.reshape(wc, hc, r * 2)[cw, ch, k][:, :, None], n, 2)
            bo = self._shift(bo, wk_day, units, NEG_INF)
            bid = self._shift(bid, wk_day, units, -1)
            better = bo > nw[..., 0, 0]
            nw[..., 0, 0] = np.where(better, bo, nw[..., 0, 0])
            npw[..., 0, 0] = np.where(better, bid, npw[..., 0, 0])
            # work -> off, then off -> off.
            we = np.where(can_end, w, NEG_INF).reshape(wc, hc, n_w1)
            k = we.argmax(axis=2)
            no = np.full((wc, hc, r, 2), NEG_INF)
            npo = np.full((wc, hc, r, 2), -1, dtype=np.int64)
            no[:, :, 0, 0] = we[cw, ch, k]
            npo[:, :, 0, 0] = w_ids[cw, ch, k]
            if r > 1:
                no[:, :, 1:] = o[:, :, :-1]
                npo[:, :, 1:] = o_ids[:, :, :-1]
            # The longest rest class also follows itself (r == 1: it is the first one).
            stay = o[:, :, r - 1]
            better = stay > no[:, :, r - 1]
            no[:, :, r - 1] = np.where(better, stay, no[:, :, r - 1])
            npo[:, :, r - 1] = np.where(better, o_ids[:, :, r - 1], npo[:, :, r - 1])
            w, o = nw, no
            preds.append(np.concatenate([npw.ravel(), npo.ravel()]))
        # Rows under the minimum hours are not rows (when hours are counted).
        w[:, : self.lo_units] = NEG_INF
        o[:, : self.lo_units] = NEG_INF
        final = np.concatenate([w.ravel(), o.ravel()])
        s = int(final.argmax())
        value = float(final[s])
        if value == NEG_INF:
            return None
        row = [OFF] * h
        for d in range(h - 1, -1, -1):
            row[d] = (s // (kc * 2)) % n if s < self.n_work else OFF
            if d > 0:
                s = int(preds[d - 1][s])
        return value, tuple(row)

    def signature(self) -> tuple[Any, ...]:
        """Everything of the DP but the values: persons with the same signature (same
        contract) are priced together by :meth:`best_batch`."""
        return (
            self.h,
            self.n,
            self.kc,
            tuple(self.nxt),
            self.m_on,
            self.r,
            self.wc,
            self.hc,
            self.lo_units,
            tuple(self.units),
            self.exact_weekends,
            self.weekends_bind,
            self.compat.tobytes(),
        )

    def _shift_b(
        self, x: NDArray[Any], weekend: bool, units: list[int] | None, fill: float
    ) -> NDArray[Any]:
        """:meth:`_shift` with a leading batch axis."""
        return self._shift(x, weekend, units, fill, lead=1)

    def best_batch(
        self, v: FloatArray, mu: Sequence[float] | FloatArray
    ) -> list[tuple[float, Row] | None]:
        """:meth:`best` for several persons of the same :meth:`signature` at once:
        ``v`` is batch × h × activities, ``mu`` one weekend price per person. The same
        arithmetic in the same order, so the same rows and values as one call each;
        the per-day numpy calls (the cost of a day) are shared by the batch."""
        h, n, kc, r, wc, hc = self.h, self.n, self.kc, self.r, self.wc, self.hc
        nb = v.shape[0]
        mus = np.asarray(mu, dtype=np.float64)
        if self.exact_weekends or not self.weekends_bind:
            mus = np.zeros(nb)
        saturating = self.nxt[-1] is not None
        units = self.units
        n_w1 = n * kc * 2
        w = np.full((nb, wc, hc, n, kc, 2), NEG_INF)
        o = np.full((nb, wc, hc, r, 2), NEG_INF)
        o[:, 0, 0, 0, 1] = 0.0
        w0 = np.full((nb, wc, hc, n), NEG_INF)
        w0[:, 0, 0] = v[:, 0] - (mus[:, None] if self.any_wk[0] else 0.0)
        w[:, :, :, :, 0, 1] = self._shift_b(w0, bool(self.any_wk[0]), units, NEG_INF)
        preds: list[NDArray[np.int64]] = []
        w_ids = np.broadcast_to(np.arange(self.n_work).reshape(wc, hc, n_w1), (nb, wc, hc, n_w1))
        o_ids = np.broadcast_to(
            self.n_work + np.arange(wc * hc * r * 2).reshape(wc, hc, r * 2), (nb, wc, hc, r * 2)
        )
        kid = np.arange(kc)[:, None, None] * 2 + np.arange(2)[None, :, None]
        cell = np.arange(wc * hc).reshape(wc, hc)[:, :, None, None, None] * n
        can_end = self.can_end[None, None, None]
        can_start = self.can_start[None, None]
        for d in range(1, h):
            first = bool(self.first_wk[d])
            wk_day = bool(self.any_wk[d])
            vd_first = v[:, d] - mus[:, None] if first else v[:, d]
            vd_wk = v[:, d] - mus[:, None] if wk_day else v[:, d]
            t = w[..., None] + self.compat[:, None, None, :]  # B, c, j, a, k, edge, b
            arg = t.argmax(axis=3)
            best = t.max(axis=3) + vd_first[:, None, None, None, None, :]
            ids = (cell + arg) * (kc * 2) + kid
            best = self._shift_b(best, first, units, NEG_INF)
            ids = self._shift_b(ids, first, units, -1)
            best = best.transpose(0, 1, 2, 5, 3, 4)
            ids = ids.transpose(0, 1, 2, 5, 3, 4)
            nw = np.full((nb, wc, hc, n, kc, 2), NEG_INF)
            npw = np.full((nb, wc, hc, n, kc, 2), -1, dtype=np.int64)
            if kc > 1:
                nw[..., 1:, :] = best[..., :-1, :]
                npw[..., 1:, :] = ids[..., :-1, :]
            if saturating:
                better = best[..., -1, :] > nw[..., -1, :]
                nw[..., -1, :] = np.where(better, best[..., -1, :], nw[..., -1, :])
                npw[..., -1, :] = np.where(better, ids[..., -1, :], npw[..., -1, :])
            oe = np.where(can_start, o, NEG_INF).reshape(nb, wc, hc, r * 2)
            k = oe.argmax(axis=3)[..., None]
            bo = np.take_along_axis(oe, k, 3) + vd_wk[:, None, None, :]
            bid = np.broadcast_to(np.take_along_axis(o_ids, k, 3), bo.shape)
            bo = self._shift_b(bo, wk_day, units, NEG_INF)
            bid = self._shift_b(np.ascontiguousarray(bid), wk_day, units, -1)
            better = bo > nw[..., 0, 0]
            nw[..., 0, 0] = np.where(better, bo, nw[..., 0, 0])
            npw[..., 0, 0] = np.where(better, bid, npw[..., 0, 0])
            we = np.where(can_end, w, NEG_INF).reshape(nb, wc, hc, n_w1)
            k = we.argmax(axis=3)[..., None]
            no = np.full((nb, wc, hc, r, 2), NEG_INF)
            npo = np.full((nb, wc, hc, r, 2), -1, dtype=np.int64)
            no[:, :, :, 0, 0] = np.take_along_axis(we, k, 3)[..., 0]
            npo[:, :, :, 0, 0] = np.take_along_axis(w_ids, k, 3)[..., 0]
            o_r = o_ids.reshape(nb, wc, hc, r, 2)
            if r > 1:
                no[:, :, :, 1:] = o[:, :, :, :-1]
                npo[:, :, :, 1:] = o_r[:, :, :, :-1]
            stay = o[:, :, :, r - 1]
            better = stay > no[:, :, :, r - 1]
            no[:, :, :, r - 1] = np.where(better, stay, no[:, :, :, r - 1])
            npo[:, :, :, r - 1] = np.where(better, o_r[:, :, :, r - 1], npo[:, :, :, r - 1])
            w, o = nw, no
            preds.append(np.concatenate([npw.reshape(nb, -1), npo.reshape(nb, -1)], axis=1))
        w[:, :, : self.lo_units] = NEG_INF
        o[:, :, : self.lo_units] = NEG_INF
        final = np.concatenate([w.reshape(nb, -1), o.reshape(nb, -1)], axis=1)
        out: list[tuple[float, Row] | None] = []
        for b in range(nb):
            s = int(final[b].argmax())
            value = float(final[b, s])
            if value == NEG_INF:
                out.append(None)
                continue
            row = [OFF] * h
            for d in range(h - 1, -1, -1):
                row[d] = (s // (kc * 2)) % n if s < self.n_work else OFF
                if d > 0:
                    s = int(preds[d - 1][b, s])
            out.append((value, tuple(row)))
        return out
