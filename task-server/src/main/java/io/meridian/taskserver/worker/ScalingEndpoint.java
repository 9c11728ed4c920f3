package io.meridian.taskserver.worker;

import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.RegionLoad;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.TaskQueue;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code GET /actuator/scaling}, for the cluster's autoscaler (KEDA's {@code metrics-api} trigger):
 * whether the gateways hold the pools ({@link ScalingHold}), the region's live replicas, and
 * {@code maxReplicas}, the most replicas the region should run now: the live replicas while held,
 * so that the spend ceiling bounds the replica count as it bounds the pools; else
 * 1000, above any replica ceiling, leaving the backlog to decide. The ScaledObject takes the smaller of this
 * and what the backlog asks for. Behind the admin token, like every actuator endpoint but health.
 */
@Endpoint(id = "scaling")
public class ScalingEndpoint {

    /** {@code maxReplicas} when nothing holds the region: above any replica ceiling. */
    static final int UNBOUNDED = 1000;

    private final ScalingHold hold;

    private final TaskQueue queue;

    private final LoadTracker load;

    ScalingEndpoint(ScalingHold hold, TaskQueue queue, LoadTracker load) {
        this.hold = hold;
        this.queue = queue;
        this.load = load;
    }

    @ReadOperation
    public Scaling scaling() {
        RegionLoad region = queue.regionLoad(new ReplicaLoad(load.inFlight(), load.capacity()));
        boolean held = hold.held();
        return new Scaling(held, region.replicas(), held ? region.replicas() : UNBOUNDED);
    }

    /**
     * The answer.
     *
     * @param hold        whether the pools are held from growing
     * @param replicas    the region's live replicas
     * @param maxReplicas the most replicas the region should run now
     */
    public record Scaling(boolean hold, int replicas, int maxReplicas) {
    }
}
