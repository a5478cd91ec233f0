// Cloud Functions exports. Each is a one-line wrap of a handler in triggers/.
import "./adapters/gcp/register";
