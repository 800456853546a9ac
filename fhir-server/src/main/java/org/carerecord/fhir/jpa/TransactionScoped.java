package org.carerecord.fhir.jpa;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a storage hook keeps for the length of the database transaction it runs in (HAPI writes a bundle's records
 * one by one in one transaction): made on first use, let go when the transaction ends, committed or not.
 */
public final class TransactionScoped {

    private TransactionScoped() {}

    /** Whether the caller runs in a transaction (HAPI's storage hooks do, except a few of a system's own calls). */
    public static boolean active() {
        return TransactionSynchronizationManager.isSynchronizationActive();
    }

    /** This transaction's value under {@code key}, made on first use; outside a transaction a new one each time. */
    public static <T> T value(Object key, Supplier<T> make) {
        return value(key, make, null);
    }

    /**
     * The same, and {@code afterCommit} given the value once the transaction has committed (not if it rolled back).
     */
    @SuppressWarnings("unchecked")
    public static <T> T value(Object key, Supplier<T> make, Consumer<T> afterCommit) {
        if (!active()) {
            return make.get();
        }
        T value = (T) TransactionSynchronizationManager.getResource(key);
        if (value == null) {
            T made = make.get();
            TransactionSynchronizationManager.bindResource(key, made);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    if (afterCommit != null) {
                        afterCommit.accept(made);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(key);
                }
            });
            value = made;
        }
        return value;
    }

    /** Whether this transaction has made a value under {@code key}. */
    public static boolean has(Object key) {
        return active() && TransactionSynchronizationManager.hasResource(key);
    }

    /** Runs {@code action} when this transaction ends, committed or rolled back; nothing outside a transaction. */
    public static void afterCompletion(Runnable action) {
        if (active()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    action.run();
                }
            });
        }
    }
}
