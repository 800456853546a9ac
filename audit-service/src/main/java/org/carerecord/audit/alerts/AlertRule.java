package org.carerecord.audit.alerts;

import java.util.List;

/** One kind of unusual access, judged over the records that just arrived (looking back in the trail as it needs). */
interface AlertRule {

    List<Alert> judge(List<TrailRecord> arrived);
}
