"""Tabular models: rows of features, a label, drift, and classifiers that decide on them.

Scenarios: ``cace_entanglement`` (one input changes and every weight moves; isolated sub-models
and a churn monitor as mitigations), ``correction_cascade`` (models that correct another model's
output get worse when it improves), ``threshold_decay`` (a hand-set threshold drifts away from
its target precision; re-tuning at every retrain holds it) and ``undeclared_consumers`` (a team
reads another team's scores without declaring it, and the other team's release breaks its model;
access control and release checks as mitigations) and ``unstable_data_dependency`` (another
team's scores change scale at each release; a pinned, versioned read as the mitigation; and the
textbook omitted-variable case with the ``regressor``) and ``data_validation`` (bad data in a
feed — a unit change, nulls, a frozen value — reaches a model; validating each batch against
declared expectations and quarantining failures as the mitigation).

World: ``tabular`` (named features with causal weights and correlations, related labels, and
``abrupt``/``gradual``/``seasonal`` drift of any parameter; pure dynamics in ``dynamics``).
System: ``classifier`` (logistic or isolated-ensemble model in ``model``, a fixed, set-once or
re-tuned threshold in ``thresholds``, optional correction of an upstream classifier; the shared
training pipeline; optionally its scores as a versioned feed other teams read, in ``releases``).
Injector: ``feed_fault`` (bad data in one feature of the feed). Monitor: ``bias_monitor`` (a
classifier's mean score against the day's label rate). Data validation of a classifier's
inputs: ``validation``. One tick is one day. Contract: ``payloads``.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.tabular.bias_monitor import BiasMonitor
from sim.components.tabular.classifier import Classifier
from sim.components.tabular.feed_fault import FeedFault
from sim.components.tabular.regressor import Regressor
from sim.components.tabular.world import Tabular

__all__ = ["FAMILY"]

FAMILY = Family(
    name="tabular",
    components=(Tabular, Classifier, Regressor, FeedFault, BiasMonitor),
    scenarios=(
        "cace_entanglement",
        "correction_cascade",
        "threshold_decay",
        "undeclared_consumers",
        "unstable_data_dependency",
        "data_validation",
    ),
)
