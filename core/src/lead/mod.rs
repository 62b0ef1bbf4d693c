//! Leads: qualification fields, explainable score, status lifecycle (being written).
