package io.invalidator.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error leaves as problem+json: clear for client mistakes (never a 500, never a stack trace), opaque for ours.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        String detail = errors.stream().map(err -> err.field() + " " + err.message())
                .collect(Collectors.joining("; "));
        return new Problem("about:blank", "Bad Request", 400, detail, errors).toResponse();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return Problem.of(Status.BAD_REQUEST, "Malformed JSON body").toResponse();
    }

    @ServerExceptionMapper
    public Response mismatchedJson(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String message = switch (e) {
            case InvalidFormatException f when f.getTargetType() != null && f.getTargetType().isEnum() ->
                    "must be one of " + Arrays.toString(f.getTargetType().getEnumConstants());
            case UnrecognizedPropertyException u -> "is not a known field";
            default -> "has the wrong type or shape";
        };
        if (field.isEmpty()) {
            return Problem.of(Status.BAD_REQUEST, "The JSON body does not have the expected shape").toResponse();
        }
        return new Problem("about:blank", "Bad Request", 400, field + " " + message,
                List.of(new Problem.FieldError(field, message))).toResponse();
    }

    @ServerExceptionMapper
    public Response conflict(OptimisticLockException e) {
        return Problem.of(Status.CONFLICT, "The resource was changed by someone else; refetch and retry").toResponse();
    }

    @ServerExceptionMapper({ JDBCConnectionException.class, SQLTransientConnectionException.class })
    public Response databaseUnavailable(Exception e) {
        Log.warnf("database unavailable: %s", e.toString());
        return Response.fromResponse(Problem.of(Status.SERVICE_UNAVAILABLE, "The database is unavailable; retry later")
                .toResponse()).header(HttpHeaders.RETRY_AFTER, "2").build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        Response original = e.getResponse();
        Response.StatusType status = original.getStatusInfo();
        String detail = e.getMessage();
        if (detail == null || detail.startsWith("HTTP " + status.getStatusCode())) {
            detail = defaultDetail(status.getStatusCode());
        }
        Response.ResponseBuilder builder = Response.fromResponse(Problem.of(status, detail).toResponse());
        for (String header : List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.ALLOW)) {
            if (original.getHeaderString(header) != null) {
                builder.header(header, original.getHeaderString(header));
            }
        }
        return builder.build();
    }

    @ServerExceptionMapper(priority = Integer.MAX_VALUE)
    public Response unexpected(Throwable e) {
        Throwable cause = rootCause(e);
        if (cause instanceof SQLTransientConnectionException || cause instanceof JDBCConnectionException
                || cause instanceof java.net.ConnectException) {
            return databaseUnavailable((Exception) cause);
        }
        Log.error("unexpected error", e);
        return Problem.of(Status.INTERNAL_SERVER_ERROR, "Unexpected error; it was logged").toResponse();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof JDBCConnectionException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }

    private static String defaultDetail(int status) {
        return switch (status) {
            case 404 -> "No such resource";
            case 405 -> "Method not allowed on this resource";
            case 406 -> "Cannot produce the requested media type";
            case 415 -> "Unsupported media type; send application/json";
            case 503 -> "Temporarily unavailable; retry later";
            default -> "The request could not be processed";
        };
    }

    private static String field(ConstraintViolation<?> violation) {
        // "create.request.title" -> "title"; "list.status" -> "status"
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }
}
