//! Validated domain types: every raw input becomes one of these through `parse` at the edge, so
//! storage, routing and delivery only ever see values that are already known to be good.

mod actor;
mod attachment;
mod category;
mod citizen;
mod complaint_status;
mod complaint_text;
mod geo_point;
mod incident_date;
mod invisible;
mod media_url;
mod new_complaint;
mod open311_client;
mod rating;
mod service_id;
mod similarity;
mod ticket_number;

pub use actor::{Actor, ActorError, ActorRole};
pub use attachment::{Attachment, AttachmentError, Attachments};
pub use category::{Category, CategoryError};
pub use citizen::{Citizen, Contact, ContactError};
pub use complaint_status::{ComplaintStatus, ComplaintStatusError, TransitionError};
pub use complaint_text::{ComplaintDescription, ComplaintTextError, ComplaintTitle, Place, StatusNote};
pub use geo_point::{GeoPoint, GeoPointError};
pub use incident_date::{IncidentDate, IncidentDateError};
pub use invisible::strip_invisible;
pub use media_url::{MediaUrl, MediaUrlError};
pub use new_complaint::{NewComplaint, NewComplaintError, RawComplaint};
pub use open311_client::{CLIENT_KEY_PREFIX, ClientId, ClientIdError, client_key_digest, generate_client_key};
pub use rating::{Satisfaction, SatisfactionError};
pub use service_id::{ServiceId, ServiceIdError};
pub use similarity::{DUPLICATE_THRESHOLD, content_words, similarity};
pub use ticket_number::{TicketNumber, TicketNumberError};

#[cfg(test)]
pub(crate) use new_complaint::tests as fixtures;
