//! The macros that declare the curated types' mutations, their inputs and payloads. Macros
//! rather than generic functions, because what repeats from one type to the next is
//! async-graphql's resolver attributes, argument descriptions and doc comments (which
//! become the schema's descriptions), and the field lists of input objects, which a
//! function cannot take. What each resolver does is one generic call into `curated`.

/// A create input whose fields are the table's record's, one for one: the input object and
/// its conversion into the record, from one list of fields.
macro_rules! create_input {
    (
        $(#[$doc:meta])*
        $input:ident => $record:ident {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Clone, Debug)]
        pub struct $input {
            $($(#[$field_doc])* pub $field: $ty,)*
        }

        impl From<$input> for $record {
            fn from(input: $input) -> Self {
                Self {
                    $($field: input.$field,)*
                }
            }
        }
    };
}

/// An update input over the table's record: the input object, every field optional (an
/// `Option`, or a `MaybeUndefined` where `null` clears an optional field), and `apply`,
/// which edits the record with the fields given (see `curated::Edit`).
macro_rules! update_input {
    (
        $(#[$doc:meta])*
        $input:ident => $record:ident {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Clone, Debug, Default)]
        pub struct $input {
            $($(#[$field_doc])* pub $field: $ty,)*
        }

        impl $input {
            fn apply(self, record: &mut $record) {
                $($crate::graphql::mutations::curated::Edit::edit(self.$field, &mut record.$field);)*
            }
        }
    };
}

/// The payload of a write to one curated type: the entity under its own name, the
/// retracted one's ID for a retraction, and the user errors. The entity's descriptions
/// speak of a "row" unless others are given after `described` (the observations speak of
/// a "figure"); a `\n` in them stands where the description breaks its line.
macro_rules! payloads {
    ($ty:ident, $field:ident, $create:ident, $update:ident, $retract:ident, $retracted:ident) => {
        payloads!(
            $ty, $field, $create, $update, $retract, $retracted,
            described "The new row; `null` when nothing was written.",
            "The row as it now stands: changed, or, when nothing was written, as it was\n\
             (its `revision` is the one to expect).",
            "The row's last state, now retracted (its revisions keep it); or, when\n\
             nothing was written, the row as it stands.",
            "The ID of the retracted row."
        );
    };
    (
        $ty:ident, $field:ident, $create:ident, $update:ident, $retract:ident, $retracted:ident,
        described $created_doc:literal, $updated_doc:literal, $retracted_doc:literal,
        $retracted_id_doc:literal
    ) => {
        payloads!(@one "create", $create, $ty, $field, $created_doc);
        payloads!(@one "update", $update, $ty, $field, $updated_doc);
        payloads!(
            @one "retract", $retract, $ty, $field, $retracted_doc,
            $retracted: $retracted_id_doc
        );
    };
    // One payload: the row, the retracted row's ID where one is named, and the user errors.
    (
        @one $verb:literal, $payload:ident, $ty:ident, $field:ident, $doc:literal
        $(, $id_field:ident: $id_doc:literal)?
    ) => {
        #[doc = concat!("The result of `", $verb, stringify!($ty), "`.")]
        #[derive(SimpleObject)]
        pub struct $payload {
            #[doc = $doc]
            pub $field: Option<$ty>,
            $(
                #[doc = $id_doc]
                pub $id_field: Option<ID>,
            )?
            /// Why nothing was written; empty on success.
            pub user_errors: Vec<UserError>,
        }
    };
}

/// The create, update and retract mutations of one curated node type, with their
/// payloads, in an object of their own for `Mutation` to merge. The type's file gives its
/// inputs (the create input converts into the table's record; the update input has
/// `apply`, which edits it) and the words of its documentation.
macro_rules! node_mutations {
    (
        $mutation:ident: $ty:ident over $model:ty as $node:ident, record $record:ty,
        field $field:ident, retracted $retracted:ident,
        create $create:ident($create_input:ty) -> $create_payload:ident: $create_doc:literal,
        update $update:ident($update_input:ty) -> $update_payload:ident: $update_doc:literal,
        retract $retract:ident -> $retract_payload:ident: $retract_doc:literal,
        described $input_doc:literal, $id_doc:literal, $revision_doc:literal $(,)?
    ) => {
        payloads!(
            $ty,
            $field,
            $create_payload,
            $update_payload,
            $retract_payload,
            $retracted
        );

        #[derive(Default)]
        pub struct $mutation;

        #[async_graphql::Object]
        impl $mutation {
            #[doc = $create_doc]
            async fn $create(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $input_doc)] input: $create_input,
                #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$create_payload> {
                let record = <$record>::from(input);
                let key = <$model as crate::store::curated::Curated>::key_of(&record);
                let id = crate::graphql::ids::encode(crate::graphql::ids::NodeType::$node, &key);
                let done = super::curated::create::<$model>(ctx, id, record, reason).await?;
                Ok($create_payload {
                    $field: done.row.map($ty),
                    user_errors: done.user_errors,
                })
            }

            #[doc = $update_doc]
            async fn $update(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $id_doc)] id: async_graphql::ID,
                #[graphql(desc = $revision_doc)] expected_revision: i32,
                #[graphql(desc = "The fields to change; the others stay.")] input: $update_input,
                #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$update_payload> {
                let target = super::curated::node(id, crate::graphql::ids::NodeType::$node);
                let patch = |record: &mut $record| input.apply(record);
                let done =
                    super::curated::update::<$model>(ctx, target, expected_revision, patch, reason)
                        .await?;
                Ok($update_payload {
                    $field: done.row.map($ty),
                    user_errors: done.user_errors,
                })
            }

            #[doc = $retract_doc]
            async fn $retract(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $id_doc)] id: async_graphql::ID,
                #[graphql(desc = $revision_doc)] expected_revision: i32,
                #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$retract_payload> {
                let target = super::curated::node(id, crate::graphql::ids::NodeType::$node);
                let done =
                    super::curated::retract::<$model>(ctx, target, expected_revision, reason)
                        .await?;
                Ok($retract_payload {
                    $field: done.row.map($ty),
                    $retracted: done.retracted,
                    user_errors: done.user_errors,
                })
            }
        }
    };
}
