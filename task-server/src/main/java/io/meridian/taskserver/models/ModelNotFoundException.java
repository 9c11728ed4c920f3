package io.meridian.taskserver.models;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;

/** A request named a model the region does not serve: {@code 404 model_not_found}, field {@code model}. */
public final class ModelNotFoundException extends ApiException {

    /**
     * Creates the exception.
     *
     * @param model      the name asked for
     * @param region     the region that does not serve it
     * @param forThisKey whether the name may also be one the caller's API key may not use (which a
     *                   listing does not tell apart from an unknown one, as OpenAI does not)
     */
    public ModelNotFoundException(String model, String region, boolean forThisKey) {
        super(ApiError.MODEL_NOT_FOUND, 404, "the model '" + shown(model) + "' does not exist in region " + region
                + (forThisKey ? " or this API key may not use it" : "")
                + "; GET /v1/models lists the models it serves", "model", null);
    }

    /**
     * Creates the exception with a message of the caller's.
     *
     * @param model  the name asked for
     * @param region the region that does not serve it
     * @param why    why not, fit to show to a client
     */
    public ModelNotFoundException(String model, String region, String why) {
        super(ApiError.MODEL_NOT_FOUND, 404, "the model '" + shown(model) + "' does not exist in region " + region
                + ": " + why, "model", null);
    }

    private static String shown(String model) {
        return model.length() <= 100 ? model : model.substring(0, 100) + "...";
    }
}
