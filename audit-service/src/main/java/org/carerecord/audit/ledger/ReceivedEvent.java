package org.carerecord.audit.ledger;

/**
 * One AuditEvent as delivered: the fields the trail indexes, and the exact compact JSON that is stored and
 * hashed into the chain (verification re-hashes the stored text, so the text itself is the canonical form).
 */
public record ReceivedEvent(AuditEntry entry, String text) {}
