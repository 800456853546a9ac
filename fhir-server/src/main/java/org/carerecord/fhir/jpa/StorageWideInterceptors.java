package org.carerecord.fhir.jpa;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import java.util.List;
import org.springframework.stereotype.Component;

/** Registers every {@link StorageWideInterceptor} bean with HAPI's storage-wide interceptor service. */
@Component
class StorageWideInterceptors {

    StorageWideInterceptors(IInterceptorService storage, List<StorageWideInterceptor> interceptors) {
        interceptors.forEach(storage::registerInterceptor);
    }
}
