import Transformers
// TEMPORARY until the models branch lands.
extension ModelStore {
    func identity(_ reference: ModelReference) throws -> String { _ = try locate(reference); return reference.description }
}
