//! `#[derive(FromRow)]` for `lumiku_plugin::sql`: decodes a struct from a result row by column
//! name, on SQLite and on PostgreSQL.
//!
//! Field attributes: `#[row(skip)]` leaves the field at its `Default` and never reads it;
//! `#[row(default)]` reads the column when the query returns it and uses `Default` when it
//! does not.

use proc_macro::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, parse_macro_input};

/// Implements `lumiku_plugin::sql::FromRow` for a struct with named fields.
#[proc_macro_derive(FromRow, attributes(row))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

enum Mode {
    Read,
    Skip,
    Default,
}

fn mode(field: &syn::Field) -> syn::Result<Mode> {
    let mut mode = Mode::Read;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("row")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                mode = Mode::Skip;
                Ok(())
            } else if meta.path.is_ident("default") {
                mode = Mode::Default;
                Ok(())
            } else {
                Err(meta.error("expected `skip` or `default`"))
            }
        })?;
    }
    Ok(mode)
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            input,
            "FromRow is derived for structs only",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            input,
            "FromRow needs named fields (tuples implement it already)",
        ));
    };
    let mut inits = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
        inits.push(match mode(field)? {
            Mode::Read => quote! { #ident: row.get(#name)? },
            Mode::Skip => quote! { #ident: ::core::default::Default::default() },
            Mode::Default => quote! {
                #ident: if row.has(#name) { row.get(#name)? } else { ::core::default::Default::default() }
            },
        });
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::lumiku_plugin::sql::FromRow for #ident #ty_generics #where_clause {
            fn from_row(row: &::lumiku_plugin::sql::Row<'_>) -> ::core::result::Result<Self, ::lumiku_plugin::sql::Error> {
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }
        }
    })
}
