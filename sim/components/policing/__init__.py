"""Policing: incidents are discovered only where you look, so where you look is what you learn.

Scenarios: ``runaway_policing`` (a predictive-policing urn learns from the incidents its own
patrols discovered and runs away from the truth; Ensign et al., FAT* 2018) and
``attention_allocation`` (a greedy allocator neglects a site, never sees its incidents grow,
and misses them; D'Amour et al., FAT* 2020, after ml-fairness-gym). One round of either model
is one day (``tick_days = 1``): the systems' training pipelines retrain every day
(``every_days = 1``) at the start of the day, on the rounds logged so far.

Worlds: ``districts`` (two regions with true incident rates, many cities side by side) and
``attention_sites`` (sites whose incident rates respond to attention). Systems:
``urn_policing`` (a Pólya-urn belief, proportional patrols; the urn is the model) and
``attention_allocator`` (censored-Poisson MLE beliefs and an allocation policy). Contract:
``payloads``. Pure dynamics (no SimPy): ``dynamics``. The systems' learners and policies are
reusable and stay in ``sim.learn`` (``urn``, ``allocation``, ``censored_poisson``); the closed
forms in ``sim.analysis`` (``urn_limits``, ``attention_allocation``).
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.policing.attention_allocator import AttentionAllocator
from sim.components.policing.attention_sites import AttentionSites
from sim.components.policing.districts import Districts
from sim.components.policing.urn_policing import UrnPolicing

__all__ = ["FAMILY"]

FAMILY = Family(
    name="policing",
    components=(Districts, UrnPolicing, AttentionSites, AttentionAllocator),
    scenarios=("runaway_policing", "attention_allocation"),
)
